import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { SimAgent, SimCenter, SimFaults, SimInteraction } from './core.js';
import { INVALID_JSON, runSimulator, send, type SimRequest, type SimSkin } from './harness.js';

/**
 * A XiVO XUC simulator (../shared/reference/xivo.md): token login at POST /xuc/api/2.0/auth/login
 * (`{login, token, TTL}`, errors `{error, message}` with InvalidCredentials / InvalidJson), token
 * renewal at GET /xuc/api/2.0/auth/check (Bearer; a new token, TokenExpired when unknown), and the
 * CTI WebSocket at /xuc/api/2.0/cti?token=… (LoggedOn, RightProfile, UserConfigUpdate on connect,
 * LoggedOnError then close on a bad token). Frames `{claz:"web", command, …flat args}` in,
 * `{msgType, ctiMessage}` out (§2): agentLogin / agentLogout / pauseAgent / unpauseAgent with the
 * lowercase `agentid` / `agentphonenumber` keys and their documented login outcomes (§4.2),
 * subscribeToAgentEvents / getAgentStates (AgentStateEvent), subscribeToQueueStats
 * (QueueStatistics counters), getList queue / agent, dialFromQueue (no acknowledgement, USR_
 * variables on PhoneEvent) and hangup by uniqueId (CTI-NEW).
 * Inferred where the notes find nothing: the HTTP status codes (400/401), TTL in seconds, a Pong
 * answer to `{"claz":"ping"}`, the error frames (Error QueueNotFound / NotFound / NotAllowed /
 * InvalidJson, AgentError AgentNotFound / AgentNotLoggedIn / AsteriskError), PhoneEvents going to
 * the account that dialled from the queue, and that an agent account may only act on itself.
 * Test-only faults on top of the harness: `asteriskDown` (agentLogout fails with AsteriskError);
 * on the WebSocket, `delayMs` delays every frame, `malformed` garbles it and `fail5xx` refuses
 * the upgrade.
 */

type XivoFaults = SimFaults & { asteriskDown?: boolean };
type Args = Record<string, unknown>;

interface Conn {
  ws: WebSocket;
  login: string;
  service: boolean;
  agentEvents: boolean;
  queueStats: boolean;
  /** What was last sent, to skip repeats: agent id → state, queue id → counters, call → eventType. */
  agentSent: Map<string, string>;
  statsSent: Map<number, string>;
  phoneSent: Map<string, string>;
  chain: Promise<void>;
}

const TTL = 3600;
const CTI_PATH = '/xuc/api/2.0/cti';
const EVENT_TYPES: Record<string, string> = {
  Created: 'EventDialing',
  Queued: 'EventDialing',
  Offered: 'EventRinging',
  Handling: 'EventEstablished',
  Completed: 'EventReleased',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function skin(center: SimCenter, faults: XivoFaults): SimSkin {
  const tokens = new Map<string, string>(); // token → login
  const conns = new Set<Conn>();
  const wss = new WebSocketServer({ noServer: true });
  const lastAgent = new Map<string, string>(); // interaction → agent it was last with

  const issue = (login: string) => {
    const token = randomUUID();
    tokens.set(token, login);
    return { login, token, TTL };
  };

  /** Every frame of one socket goes out in order, after faults.delayMs. */
  const out = (c: Pick<Conn, 'ws' | 'chain'>, msgType: string, ctiMessage: unknown, then?: () => void) => {
    c.chain = c.chain
      .then(async () => {
        if (faults.delayMs > 0) await sleep(faults.delayMs);
        if (c.ws.readyState === WebSocket.OPEN) c.ws.send(faults.malformed ? '{"msgType":' : JSON.stringify({ msgType, ctiMessage }));
        then?.();
      })
      .catch(() => undefined);
  };
  const error = (c: Conn, Error: string, command?: string) => out(c, 'Error', { Error, ...(command !== undefined ? { command } : {}) });
  const agentError = (c: Conn, Error: string, extra: Args = {}) => out(c, 'AgentError', { Error, ...extra });

  // ------------------------------------------------------------------ views

  const queueIds = (a: SimAgent) => a.queues.map((n) => center.queues.get(n)?.id).filter((id): id is number => id !== undefined);
  const agentState = (a: SimAgent) => {
    const held = [...center.interactions.values()].filter((i) => i.agent === a.id);
    const name = !a.loggedIn
      ? 'AgentLoggedOut'
      : held.some((i) => i.state === 'Handling')
        ? 'AgentOnCall'
        : held.some((i) => i.state === 'Offered')
          ? 'AgentRinging'
          : a.ready
            ? 'AgentReady'
            : 'AgentOnPause';
    return {
      name,
      agentId: Number(a.id),
      phoneNb: a.line ?? 'null',
      since: 0,
      queues: queueIds(a),
      ...(name === 'AgentOnPause' && a.reason !== undefined ? { cause: a.reason } : {}),
    };
  };
  const sendState = (c: Conn, a: SimAgent, always: boolean) => {
    const state = agentState(a);
    const key = JSON.stringify(state);
    if (!always && c.agentSent.get(a.id) === key) return;
    c.agentSent.set(a.id, key);
    out(c, 'AgentStateEvent', state);
  };
  const sendStats = (c: Conn, always: boolean) => {
    for (const q of center.queues.values()) {
      const s = center.stats(q.name);
      const counters = [
        { statName: 'WaitingCalls', value: s.waiting },
        { statName: 'AvailableAgents', value: s.ready },
        { statName: 'LoggedAgents', value: s.logged },
      ];
      const key = JSON.stringify(counters);
      if (!always && c.statsSent.get(q.id) === key) continue;
      c.statsSent.set(q.id, key);
      out(c, 'QueueStatistics', { queueId: q.id, counters });
    }
  };
  const phoneEvent = (c: Conn, i: SimInteraction) => {
    const eventType = EVENT_TYPES[i.state] as string;
    if (c.phoneSent.get(i.id) === eventType) return;
    c.phoneSent.set(i.id, eventType);
    out(c, 'PhoneEvent', {
      eventType,
      DN: (i.agent ? center.agents.get(i.agent)?.line : undefined) ?? '',
      otherDN: i.contact ?? '',
      linkedId: i.id,
      uniqueId: i.id,
      queueName: i.queue,
      agentId: i.agent ? Number(i.agent) : null,
      userData: Object.fromEntries(Object.entries(i.userData).map(([k, v]) => [`USR_${k}`, v])),
    });
  };

  center.on('interaction', (i: SimInteraction) => {
    const touched = new Set([i.agent, lastAgent.get(i.id)].filter((a): a is string => a !== undefined));
    if (i.agent) lastAgent.set(i.id, i.agent);
    else lastAgent.delete(i.id);
    for (const c of conns) {
      if (i.creator === c.login) phoneEvent(c, i);
      if (c.agentEvents) for (const id of touched) sendState(c, center.agents.get(id) as SimAgent, false);
      if (c.queueStats) sendStats(c, false);
    }
  });
  center.on('agent', (a: SimAgent) => {
    for (const c of conns) {
      if (c.agentEvents) sendState(c, a, false);
      if (c.queueStats) sendStats(c, false);
    }
  });

  // ------------------------------------------------------------------ commands

  /** The agent a command names (`agentid`), or the connected agent's own when left out. */
  const target = (c: Conn, m: Args): SimAgent | 'denied' | undefined => {
    const id = m.agentid !== undefined && m.agentid !== null ? String(m.agentid) : c.service ? undefined : c.login;
    if (!c.service && id !== c.login) return 'denied';
    return id === undefined ? undefined : center.agents.get(id);
  };

  const agentCommand = (c: Conn, command: string, m: Args) => {
    const a = target(c, m);
    if (a === 'denied') return error(c, 'NotAllowed', command);
    if (!a) return agentError(c, 'AgentNotFound');
    if (command === 'agentLogin') {
      const line = typeof m.agentphonenumber === 'string' || typeof m.agentphonenumber === 'number' ? String(m.agentphonenumber) : '';
      if (!line) return agentError(c, 'PhoneNumberUnknown');
      if (a.loggedIn && a.line !== undefined && a.line !== line) return agentError(c, 'LoggedInOnAnotherPhone', { phoneNb: a.line, RequestedNb: line });
      if (a.loggedIn) return;
      for (const other of center.agents.values()) if (other.id !== a.id && other.loggedIn && other.line === line) center.logout(other.id);
      return center.login(a.id, true, line);
    }
    if (!a.loggedIn) return agentError(c, 'AgentNotLoggedIn');
    if (command === 'agentLogout') {
      if (faults.asteriskDown === true) return agentError(c, 'AsteriskError', { message: 'Asterisk manager connection lost' });
      return center.logout(a.id);
    }
    center.setReady(a.id, command === 'unpauseAgent', command === 'pauseAgent' && typeof m.reason === 'string' ? m.reason : undefined);
  };

  const receive = (c: Conn, text: string) => {
    let m: Args;
    try {
      m = JSON.parse(text) as Args;
      if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new Error('not an object');
    } catch {
      return error(c, 'InvalidJson');
    }
    if (m.claz === 'ping') return out(c, 'Pong', {});
    const command = typeof m.command === 'string' ? m.command : '';
    if (['agentLogin', 'agentLogout', 'pauseAgent', 'unpauseAgent'].includes(command)) return agentCommand(c, command, m);
    if (!c.service) return error(c, 'NotAllowed', command);
    switch (command) {
      case 'subscribeToAgentEvents':
        c.agentEvents = true;
        for (const a of center.agents.values()) sendState(c, a, true);
        return;
      case 'getAgentStates':
        for (const a of center.agents.values()) sendState(c, a, true);
        return;
      case 'subscribeToQueueStats':
        c.queueStats = true;
        return sendStats(c, true);
      case 'getList':
        if (m.objectType === 'queue')
          return out(
            c,
            'QueueList',
            [...center.queues.values()].map((q) => ({ id: q.id, name: q.name, number: String(q.id) })),
          );
        if (m.objectType === 'agent') {
          return out(
            c,
            'AgentList',
            [...center.agents.values()].map((a) => ({ id: Number(a.id), firstName: a.id, lastName: '', number: a.id, context: 'default', groupId: 1 })),
          );
        }
        return error(c, 'InvalidJson', command);
      case 'dialFromQueue': {
        const q = [...center.queues.values()].find((x) => x.id === Number(m.queueId));
        if (!q) return error(c, 'QueueNotFound', command);
        const vars = typeof m.variables === 'object' && m.variables !== null ? (m.variables as Args) : {};
        const i = center.create(
          c.login,
          q.name,
          Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])),
          typeof m.destination === 'string' ? m.destination : undefined,
        );
        return center.enqueue(i);
      }
      case 'hangup': {
        const i = center.interactions.get(String(m.uniqueId ?? ''));
        if (!i) return error(c, 'NotFound', command);
        return center.complete(i);
      }
      default:
        return error(c, 'InvalidJson', command);
    }
  };

  const open = (ws: WebSocket, token: string) => {
    const login = tokens.get(token);
    if (login === undefined) return out({ ws, chain: Promise.resolve() }, 'LoggedOnError', { Error: 'loggedOnFailed' }, () => ws.close());
    const service = center.services.has(login);
    const c: Conn = {
      ws,
      login,
      service,
      agentEvents: false,
      queueStats: false,
      agentSent: new Map(),
      statsSent: new Map(),
      phoneSent: new Map(),
      chain: Promise.resolve(),
    };
    conns.add(c);
    ws.on('close', () => conns.delete(c));
    ws.on('error', () => undefined);
    ws.on('message', (data) => receive(c, String(data)));
    out(c, 'LoggedOn', {});
    out(c, 'RightProfile', { profile: service ? 'Admin' : 'NoRight', rights: [] });
    out(c, 'UserConfigUpdate', { userId: login, agentId: service ? null : Number(login), fullName: login });
  };

  return {
    attach(server: Server) {
      server.on('upgrade', (req, socket, head) => {
        const url = new URL(req.url ?? '/', 'http://sim');
        if (url.pathname !== CTI_PATH) return socket.destroy();
        if (faults.fail5xx) return socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
        wss.handleUpgrade(req, socket, head, (ws) => open(ws, url.searchParams.get('token') ?? ''));
      });
    },
    drop() {
      for (const c of conns) c.ws.terminate();
      conns.clear();
    },
    expire() {
      tokens.clear();
      for (const c of conns) out(c, 'LoggedOnError', { Error: 'loggedOnFailed' }, () => c.ws.close());
      conns.clear();
    },
    async handle({ req, res, url, body }: SimRequest) {
      if (req.method === 'POST' && url.pathname === '/xuc/api/2.0/auth/login') {
        const b = (body ?? {}) as Args;
        if (body === INVALID_JSON || typeof b.login !== 'string' || typeof b.password !== 'string') {
          return (send(res, 400, { error: 'InvalidJson', message: 'Expected a JSON body with login and password' }), true);
        }
        if (!center.authenticate(b.login, b.password)) return (send(res, 401, { error: 'InvalidCredentials', message: 'Invalid login or password' }), true);
        return (send(res, 200, issue(b.login)), true);
      }
      if (req.method === 'GET' && url.pathname === '/xuc/api/2.0/auth/check') {
        const login = tokens.get(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
        if (login === undefined) return (send(res, 401, { error: 'TokenExpired', message: 'Token is invalid or expired' }), true);
        return (send(res, 200, issue(login)), true);
      }
      return false;
    },
  };
}

void runSimulator((center, faults) => skin(center, faults));
