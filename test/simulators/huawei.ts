import { randomUUID } from 'node:crypto';
import type { SimCenter, SimFaults, SimInteraction, SimState } from './core.js';
import { INVALID_JSON, runSimulator, send, type SimRequest, type SimSkin } from './harness.js';

/**
 * A Huawei CC-Gateway agent REST simulator (../shared/reference/huawei.md), everything under
 * /agentgateway/resource/. Documented and followed: HTTP 200 with a `{message, retcode, result}`
 * body and string retcodes (§1.2); sign-in by PUT onlineagent/{id}, /loginex and /forcelogin
 * (100-002 when signed in already, 100-004 for bad credentials) answering a `Set-GUID:
 * JSESSIONID=<uuid>.AgentGateway0` header; the `Guid` header on every other call (000-003 when
 * unknown or expired, 100-006 when it belongs to another agent); dynamic authentication, where a
 * fresh Set-GUID comes on event-poll answers (§2.1); sign-out when nothing polls for ~2 minutes
 * (§2.3); DELETE onlineagent/{id}/logout; the long poll GET agentevent/{id} handing out one event
 * at a time (§4); AgentEvent_Ringing / _Talking / _Call_Release to the agent (§5); POST
 * mediacall/{id}/transfer, POST voicecall/{id}/dropcall/{callid} and POST
 * queuedevice/{id}/queryacdstat (§6, §7).
 * Inferred where the gateway documents nothing: the no-event poll answer (`event: null`), the
 * refresh interval (rotateMs) and the 10 s grace of a replaced Guid, POST mediacall/{id}/createcall
 * (a multimedia call into a skill queue), GET calldata/{id}/callinfo/{callid}, PUT
 * calldata/{id}/appdata, DELETE qualitycontrol/{id}/forcelogout/{workno} (inspector), and the
 * AgentMediaCall_StateChange / AgentMediaCall_DataChange events the creating (service) account
 * hears for every call it created. Settable through /_sim/faults: rotateMs (default 2000) and
 * keepAliveMs (default 120000).
 */

const STATES: Record<SimState, string> = { Created: 'Created', Queued: 'Queued', Offered: 'Alerting', Handling: 'Talking', Completed: 'Released' };
const MESSAGES: Record<string, string> = {
  '000-002': 'parameter is invalid',
  '000-003': 'no right to invoke the interface, the authentication may have expired',
  '100-002': 'the agent has signed in',
  '100-004': 'the username or password is incorrect',
  '100-006': 'the agent has not signed in',
  '100-008': 'the agent has signed out',
  '100-009': 'setting the agent state failed',
  '100-019': 'invalid parameter for querying skill queues',
  '200-002': 'no such call',
};
const POLL_MS = 500;
const GRACE_MS = 10_000;
/** The routes served, each with its number of path segments after the agent id. */
const ROUTES: Record<string, number> = {
  'PUT onlineagent': 0,
  'PUT onlineagent/loginex': 1,
  'PUT onlineagent/forcelogin': 1,
  'DELETE onlineagent/logout': 1,
  'GET agentevent': 0,
  'POST mediacall/createcall': 1,
  'POST mediacall/transfer': 1,
  'GET calldata/callinfo': 2,
  'PUT calldata/appdata': 1,
  'POST voicecall/dropcall': 2,
  'POST queuedevice/queryacdstat': 1,
  'DELETE qualitycontrol/forcelogout': 2,
};
const RESOURCE = /^\/agentgateway\/resource\/([a-z]+)\/([^/]+)((?:\/[^/]+)*)$/;

interface Session {
  owner: string;
  kind: 'agent' | 'service';
  issued: number;
  used: number;
  /** Set once a newer Guid replaced this one: it stays valid until then. */
  graceUntil?: number;
}
interface HwEvent {
  eventType: string;
  workNo: string;
  content: unknown;
}
interface Waiter {
  owner: string;
  done(take: boolean): void;
}

/** A JSON object given as a string, its values as strings; undefined when it is not one. */
function dataOf(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    const o = JSON.parse(v) as unknown;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
  } catch {
    return undefined;
  }
}

function skin(center: SimCenter, faults: SimFaults): SimSkin {
  const sessions = new Map<string, Session>(); // uuid part of the Guid → session
  const queues = new Map<string, HwEvent[]>(); // signed-in account → its events, oldest first
  const waiters = new Set<Waiter>();
  const setting = (name: string, fallback: number) => {
    const v = (faults as unknown as Record<string, unknown>)[name];
    return typeof v === 'number' ? v : fallback;
  };

  const issue = (owner: string, kind: Session['kind']) => {
    const key = randomUUID();
    sessions.set(key, { owner, kind, issued: Date.now(), used: Date.now() });
    return `JSESSIONID=${key}.AgentGateway0`;
  };
  const signedIn = (owner: string) => [...sessions.values()].some((s) => s.owner === owner);
  /** Forget an account's Guids and events; its pending polls answer empty. */
  const forget = (owner: string) => {
    for (const [k, s] of sessions) if (s.owner === owner) sessions.delete(k);
    queues.delete(owner);
    for (const w of [...waiters]) if (w.owner === owner) w.done(false);
  };
  const signOut = (owner: string, kind: Session['kind']) => {
    forget(owner);
    if (kind === 'agent') center.logout(owner);
  };
  /** Replaced Guids past their grace go; an account none of whose Guids was used for keepAliveMs is signed out. */
  const sweep = () => {
    const now = Date.now();
    const last = new Map<string, Session>();
    for (const [k, s] of sessions) {
      if (s.graceUntil !== undefined && now > s.graceUntil) sessions.delete(k);
      else if ((last.get(s.owner)?.used ?? -1) < s.used) last.set(s.owner, s);
    }
    for (const [owner, s] of last) if (now - s.used > setting('keepAliveMs', 120_000)) signOut(owner, s.kind);
  };
  setInterval(sweep, 1000).unref();

  const push = (owner: string, eventType: string, content: unknown) => {
    const q = queues.get(owner);
    if (!q) return;
    q.push({ eventType, workNo: owner, content });
    for (const w of waiters) if (w.owner === owner) return w.done(true);
  };
  const poll = (owner: string) =>
    new Promise<HwEvent | null>((resolve) => {
      const ready = queues.get(owner)?.shift();
      if (ready) return resolve(ready);
      const w: Waiter = {
        owner,
        done(take) {
          clearTimeout(timer);
          waiters.delete(w);
          resolve(take ? (queues.get(owner)?.shift() ?? null) : null);
        },
      };
      const timer = setTimeout(() => w.done(true), POLL_MS);
      waiters.add(w);
    });

  const skillOf = (i: SimInteraction) => String(center.queues.get(i.queue)?.id ?? '');
  const callOf = (i: SimInteraction) => ({
    caller: i.contact ?? '',
    called: skillOf(i),
    callid: i.id,
    type: 'main',
    feature: '0',
    mediaAbility: i.media === 'voice' ? '1' : '5',
  });
  center.on('interaction', (i: SimInteraction) => {
    push(i.creator, 'AgentMediaCall_StateChange', { callid: i.id, state: STATES[i.state], workno: i.agent ?? '', skillid: skillOf(i) });
    if (!i.agent) return;
    if (i.state === 'Offered') push(i.agent, 'AgentEvent_Ringing', { ...callOf(i), transfer: 'no' });
    else if (i.state === 'Handling') push(i.agent, 'AgentEvent_Talking', callOf(i));
    else if (i.state === 'Completed') push(i.agent, 'AgentEvent_Call_Release', i.id);
  });
  center.on('data', (i: SimInteraction) => push(i.creator, 'AgentMediaCall_DataChange', { callid: i.id, calldata: JSON.stringify(i.userData) }));

  return {
    drop() {
      for (const w of [...waiters]) w.done(false);
    },
    expire() {
      sessions.clear();
      queues.clear();
      this.drop();
    },
    async handle({ req, res, url, body }: SimRequest) {
      const m = RESOURCE.exec(url.pathname);
      if (!m) return false;
      const [, resource = '', id = '', tail = ''] = m;
      const rest = tail.split('/').slice(1).map(decodeURIComponent);
      const route = `${req.method} ${resource}${rest.length ? `/${rest[0]}` : ''}`;
      const headers: Record<string, string> = {};
      const reply = (retcode: string, result?: unknown) =>
        send(res, 200, { message: retcode === '0' ? 'success' : (MESSAGES[retcode] ?? 'error'), retcode, result }, headers);
      if (ROUTES[route] !== rest.length) return false;
      if (!/^\d+$/.test(id) || Number(id) < 101 || Number(id) > 59999) return (reply('000-002'), true);
      if (body === INVALID_JSON) return (reply('000-002'), true);
      const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, any>;
      sweep();

      if (resource === 'onlineagent' && req.method === 'PUT') {
        const kind = center.authenticate(id, String(b.password ?? ''));
        if (!kind) return (reply('100-004'), true);
        if (signedIn(id)) {
          if (rest[0] !== 'forcelogin') return (reply('100-002'), true);
          forget(id);
        }
        queues.set(id, []);
        headers['Set-GUID'] = issue(id, kind);
        if (kind === 'agent') {
          const agent = center.agents.get(id);
          if (agent && b.autoanswer !== undefined) agent.autoAnswer = String(b.autoanswer) === 'true';
          const status = Number(b.status ?? 4);
          push(id, 'AgentOther_InService', null);
          push(id, 'AgentState_Ready', null);
          center.login(id, status === 4, b.phonenum !== undefined ? String(b.phonenum) : undefined);
        }
        const result = {
          vdnid: 1,
          workno: id,
          mediatype: 'TTF',
          loginTime: String(Date.now()),
          isForceChange: 'false',
          serverName: 'AgentGateway',
          timeRemaining: '',
        };
        return (reply('0', result), true);
      }

      const guid =
        String(req.headers.guid ?? '')
          .replace(/^JSESSIONID=/, '')
          .split('.')[0] ?? '';
      const session = sessions.get(guid);
      if (!session) return (reply('000-003'), true);
      if (session.owner !== id) return (reply('100-006'), true);
      session.used = Date.now();
      const call = (callid: unknown) => {
        const i = center.interactions.get(String(callid ?? ''));
        return i && i.state !== 'Completed' ? i : undefined;
      };

      switch (route) {
        case 'DELETE onlineagent/logout':
          signOut(id, session.kind);
          return (reply('0'), true);
        case 'GET agentevent': {
          const event = await poll(id);
          if (sessions.get(guid) === session && session.graceUntil === undefined && Date.now() - session.issued > setting('rotateMs', 2000)) {
            session.graceUntil = Date.now() + GRACE_MS;
            headers['Set-GUID'] = issue(id, session.kind);
          }
          send(res, 200, { message: '', retcode: '0', event }, headers);
          return true;
        }
        case 'POST mediacall/createcall': {
          const q = [...center.queues.values()].find((x) => String(x.id) === String(b.skillid));
          if (!q) return (reply('100-019'), true);
          const data = b.calldata === undefined ? {} : dataOf(b.calldata);
          if (!data) return (reply('000-002'), true);
          const i = center.create(id, q.name, data, typeof b.caller === 'string' ? b.caller : undefined);
          center.enqueue(i);
          return (reply('0', { callid: i.id }), true);
        }
        case 'POST mediacall/transfer': {
          const i = call(b.callid);
          if (!i) return (reply('200-002'), true);
          const address = String(b.address ?? '');
          if (Number(b.devicetype ?? 2) !== 2 || !center.agents.has(address)) return (reply('000-002'), true);
          return (reply(center.offerTo(i, address) ? '100-009' : '0'), true);
        }
        case 'GET calldata/callinfo': {
          const i = center.interactions.get(rest[1] ?? '');
          if (!i) return (reply('200-002'), true);
          const result = { callid: i.id, state: STATES[i.state], workno: i.agent ?? '', skillid: skillOf(i), calldata: JSON.stringify(i.userData) };
          return (reply('0', result), true);
        }
        case 'PUT calldata/appdata': {
          const i = call(b.callid);
          if (!i) return (reply('200-002'), true);
          const data = dataOf(b.calldata);
          if (!data) return (reply('000-002'), true);
          center.setData(i, data);
          return (reply('0'), true);
        }
        case 'POST voicecall/dropcall': {
          const i = call(rest[1]);
          if (!i) return (reply('200-002'), true);
          center.complete(i);
          return (reply('0'), true);
        }
        case 'POST queuedevice/queryacdstat': {
          if (!Array.isArray(b.skills) || b.skills.length > 100) return (reply('000-002'), true);
          const wanted = new Set(b.skills.map(String));
          const result = [...center.queues.values()]
            .filter((q) => wanted.has(String(q.id)))
            .map((q) => {
              const s = center.stats(q.name);
              return { pilotNbr: '', deviceNo: q.id, queueSize: s.waiting, queueTime: 0, loggedOnAgents: s.logged, availAgents: s.ready, transferFlg: 0 };
            });
          return (reply('0', result), true);
        }
        case 'DELETE qualitycontrol/forcelogout': {
          if (session.kind !== 'service') return (reply('000-003'), true);
          const target = center.agents.get(rest[1] ?? '');
          if (!target) return (reply('000-002'), true);
          if (!target.loggedIn) return (reply('100-008'), true);
          signOut(target.id, 'agent');
          return (reply('0'), true);
        }
      }
      return false;
    },
  };
}

void runSimulator((center, faults) => skin(center, faults));
