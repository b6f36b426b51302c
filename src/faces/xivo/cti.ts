import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AgentDesk } from '../../backends/agent-desk.js';
import { inProgress, type Interaction } from '../../backends/backend.js';
import type { AgentConfig } from '../../config/index.js';
import type { Logger } from '../../log/logger.js';
import { fail, ok, xivoErrors, type Failure, type Outcome } from '../../reasons/index.js';
import type { AgentEvent } from '../../backends/agent-desk.js';
import type { AgentRoster, ServiceEntry } from '../../backends/agent-desk.js';
import { EVERYONE, type AgentEventFeed } from '../agents/feed.js';
import { XIVO_FACE } from './auth.js';
import { CALLBACK_COMMANDS, CallbackApi } from './callbacks.js';
import { agentConfig, agentEntry, agentStateEvent, groupIds, queueEntry, visibilityOf, type Json, type Visibility } from './views.js';

export const CTI_PATH = '/xuc/api/2.0/cti';

type Command = Record<string, unknown> & { command: string };

/**
 * The XUC CTI WebSocket (`/xuc/api/2.0/cti?token=…`): frames `{claz:"web", command, …}` in,
 * `{msgType, ctiMessage}` out (xivo.md §2). Agent commands, lists, statistics and the Callback API
 * act on the embedded engine; what the user sees is filtered by its profile.
 */
export class XucServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<XucConnection>();

  constructor(
    readonly engine: AgentDesk,
    readonly dir: AgentRoster,
    readonly feed: AgentEventFeed,
    readonly logger: Logger,
    maxPayload: number,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload });
  }

  handles(path: string): boolean {
    return path === CTI_PATH;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.open(ws, req));
  }

  /** Tell every connection that listens to callbacks (this process). */
  broadcastCallback(msgType: string, payload: Json): void {
    for (const c of this.connections) if (c.callbacks) c.send(msgType, payload);
  }

  /** A membership changed: QueueMember to whoever sees the queue, AgentConfig to whoever sees the agent. */
  async broadcastMembership(agent: AgentConfig, service: ServiceEntry, penalty: number): Promise<void> {
    const all = await this.engine.queueMembership();
    const members = all.ok
      ? all.value.filter((m) => m.username === agent.username).flatMap((m) => this.dir.services.filter((s) => s.code === m.serviceCode).map((s) => ({ service: s, penalty: m.penalty })))
      : [];
    const config = agentConfig(agent, this.dir, groupIds(this.dir), members);
    for (const c of this.connections) {
      if (c.visibility.queue(service)) c.send('QueueMember', { agentId: agent.agentId, queueId: service.queueId, penalty });
      if (c.visibility.agent(agent)) c.send('AgentConfig', config);
    }
  }

  close(): void {
    for (const c of this.connections) c.terminate();
    this.wss.close();
  }

  private async open(ws: WebSocket, req: IncomingMessage): Promise<void> {
    const token = new URL(req.url ?? '', 'http://x').searchParams.get('token') ?? '';
    const session = token ? await this.engine.sessions.find(token, XIVO_FACE) : undefined;
    const user = session?.ok ? this.dir.user(session.value.username) : undefined;
    if (!user) {
      // Newer XUC servers say LoggedOnError and close (xivo.md §1.2).
      ws.send(JSON.stringify({ msgType: 'LoggedOnError', ctiMessage: { Error: 'loggedOnFailed' } }));
      ws.close(1008, 'invalid token');
      return;
    }
    const c = new XucConnection(this, ws, user);
    this.connections.add(c);
    ws.on('close', () => {
      this.connections.delete(c);
      c.close();
    });
    await c.start();
  }
}

class XucConnection {
  readonly visibility: Visibility;
  callbacks = false;
  private stats = false;
  private everyone = false;
  private readonly stops: Array<() => void> = [];
  private readonly lastState = new Map<string, string>();
  private chain = Promise.resolve();
  private readonly groups: Map<string, number>;
  private readonly callbackApi: CallbackApi;

  constructor(
    private readonly server: XucServer,
    private readonly ws: WebSocket,
    private readonly user: AgentConfig,
  ) {
    this.visibility = visibilityOf(user);
    this.groups = groupIds(server.dir);
    this.callbackApi = new CallbackApi({
      engine: server.engine, dir: server.dir, user, visibility: this.visibility,
      send: (msgType, payload) => this.send(msgType, payload),
      broadcast: (msgType, payload) => server.broadcastCallback(msgType, payload),
    });
  }

  send(msgType: string, ctiMessage: unknown): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify({ msgType, ctiMessage }));
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** The bridge is stopping: drop the socket too. */
  terminate(): void {
    this.close();
    this.ws.terminate();
  }

  async start(): Promise<void> {
    const { dir } = this.server;
    this.send('LoggedOn', {});
    this.send('RightProfile', { profile: this.visibility.profile, rights: [] });
    this.send('UserConfigUpdate', { userId: this.user.username, agentId: this.user.agentId ?? null, fullName: dir.displayName(this.user), mobileNumber: null });
    this.send('UsersStatuses', [
      { name: 'available', color: '#00FF00', longName: 'Available', actions: [{ name: 'queueunpause_all', parameters: '' }] },
      { name: 'paused', color: '#FF0000', longName: 'Paused', actions: [{ name: 'queuepause_all', parameters: '' }] },
    ]);
    this.stops.push(await this.server.feed.on(this.user.username, (e) => this.queue(() => this.ownEvent(e))));
    this.ws.on('message', (raw) => this.queue(() => this.receive(String(raw))));
  }

  /** Frames are handled one at a time, in order, events included. */
  private queue(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((e: unknown) => {
      this.server.logger.warn('xuc frame failed', { username: this.user.username, error: e });
    });
  }

  // ------------------------------------------------------------------ events

  private async ownEvent(e: AgentEvent): Promise<void> {
    if (!this.everyone) await this.agentChanged(e);
    if (e.sessionId === undefined) return;
    const found = await this.server.engine.getInteraction(e.sessionId);
    if (!found.ok) return;
    const i = found.value;
    const offered = i.userData.direction === 'Outgoing' ? 'EventDialing' : 'EventRinging';
    const eventType = { OFFERED: offered, ASSIGNED: 'EventEstablished', RELEASED: 'EventReleased', CLOSED: 'EventReleased' }[e.kind as string];
    if (!eventType) return;
    const state = await this.server.engine.agentState(this.user.username);
    this.send('PhoneEvent', {
      eventType, DN: (state.ok ? state.value.phone : undefined) ?? '', otherDN: i.contactValue ?? '', linkedId: i.id, uniqueId: i.id, queueName: i.serviceCode,
      userData: Object.fromEntries(Object.entries(i.userData).map(([k, v]) => [`USR_${k}`, v])),
    });
  }

  /** An agent's state after one of its events, if visible and changed. */
  private async agentChanged(e: AgentEvent): Promise<void> {
    const a = this.server.dir.user(e.username);
    if (!a || a.agentId === undefined || !this.visibility.agent(a)) return;
    await this.sendState(a, false);
    if (this.stats) await this.sendStatistics(a);
  }

  private async sendState(a: AgentConfig, always: boolean): Promise<void> {
    const { engine } = this.server;
    const [state, held, members] = await Promise.all([engine.agentState(a.username), engine.heldInteractions(a.username), this.memberQueues(a.username)]);
    if (!state.ok || !held.ok) return;
    const event = agentStateEvent(a, state.value, held.value, members, Date.now());
    const { since: _since, ...key } = event;
    const k = JSON.stringify(key);
    if (!always && this.lastState.get(a.username) === k) return;
    this.lastState.set(a.username, k);
    this.send('AgentStateEvent', event);
  }

  private async memberQueues(username: string): Promise<number[]> {
    const m = await this.server.engine.queueMembership();
    if (!m.ok) return [];
    const codes = new Set(m.value.filter((x) => x.username === username).map((x) => x.serviceCode));
    return this.server.dir.services.filter((s) => codes.has(s.code)).map((s) => s.queueId);
  }

  /** Time in each state since the last login, from the agent event log. */
  private async sendStatistics(a: AgentConfig): Promise<void> {
    const events = await this.server.engine.agentEvents(a.username, 0, 1000);
    if (!events.ok) return;
    const totals = { ready: 0, paused: 0, wrapup: 0 };
    let state: keyof typeof totals | undefined;
    let since = 0;
    let login: number | undefined;
    let logout: number | undefined;
    const close = (at: number) => {
      if (state) totals[state] += at - since;
      since = at;
    };
    for (const e of events.value) {
      if (e.kind === 'LOGGED_IN' && state === undefined) login = e.at;
      if (!['LOGGED_IN', 'LOGGED_OUT', 'READY', 'NOT_READY'].includes(e.kind)) continue;
      close(e.at);
      state = e.kind === 'READY' ? 'ready' : e.kind === 'NOT_READY' ? (e.reason === 'wrap-up' ? 'wrapup' : 'paused') : e.kind === 'LOGGED_IN' ? 'paused' : undefined;
      if (e.kind === 'LOGGED_OUT') logout = e.at;
    }
    close(Date.now());
    const s = (ms: number) => Math.round(ms / 1000);
    this.send('AgentStatistics', {
      id: a.agentId,
      statistics: [
        { name: 'AgentPausedTotalTime', value: s(totals.paused) },
        { name: 'AgentWrapupTotalTime', value: s(totals.wrapup) },
        { name: 'AgentReadyTotalTime', value: s(totals.ready) },
        { name: 'LoginDateTime', value: login !== undefined ? new Date(login).toISOString() : null },
        { name: 'LogoutDateTime', value: logout !== undefined ? new Date(logout).toISOString() : null },
      ],
    });
  }

  // ------------------------------------------------------------------ commands

  private async receive(raw: string): Promise<void> {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return this.error('Error', fail('INVALID_PARAMETER', 'the frame is not JSON'));
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return this.error('Error', fail('INVALID_PARAMETER', 'a frame is a JSON object'));
    const f = frame as Record<string, unknown>;
    // cti.js pings every 5 s and closes after 3 silent intervals: answer every ping.
    if (f.claz === 'ping') return this.send('Pong', {});
    if (typeof f.command !== 'string') return this.error('Error', fail('MISSING_PARAMETER', 'the frame has no command'));
    const out = await this.run(f as Command);
    if (!out.ok) this.error(AGENT_COMMANDS.has(f.command) ? 'AgentError' : 'Error', out, f.command);
  }

  private error(msgType: string, f: Failure, command?: string): void {
    this.send(msgType, { Error: xivoErrors[f.reason], message: f.message, ...(command ? { command } : {}) });
  }

  /** The agent a command names (`agentid` / `agentId`), or the user's own; checked against the profile. */
  private target(cmd: Command): Outcome<AgentConfig> {
    const raw = cmd.agentid ?? cmd.agentId;
    if (raw === undefined || raw === null || raw === '') {
      return this.user.agentId !== undefined && this.user.profiles.includes('agent') ? ok(this.user) : fail('NOT_AN_AGENT', `${this.user.username} is not an agent`);
    }
    const id = Number(raw);
    const a = Number.isInteger(id) ? this.server.dir.agentById(id) : undefined;
    if (!a) return fail('UNKNOWN_AGENT', `no agent ${String(raw)}`);
    if (a.username !== this.user.username && !this.visibility.agent(a)) return fail('FORBIDDEN', `agent ${id} is outside the groups of ${this.user.username}`);
    return ok(a);
  }

  private queueOf(cmd: Command): Outcome<ServiceEntry> {
    const s = this.server.dir.serviceByQueueId(Number(cmd.queueId));
    if (!s) return fail('UNKNOWN_SERVICE', `no queue ${String(cmd.queueId)}`);
    return this.visibility.queue(s) ? ok(s) : fail('FORBIDDEN', `queue ${s.queueId} is outside the queues of ${this.user.username}`);
  }

  private async run(cmd: Command): Promise<Outcome<unknown>> {
    const { engine, dir } = this.server;
    switch (cmd.command) {
      case 'agentLogin': {
        const a = this.target(cmd);
        if (!a.ok) return a;
        const phone = String(cmd.agentphonenumber ?? '');
        if (!dir.knowsLine(phone)) return fail('UNKNOWN_DEVICE', `line ${phone} is unknown`);
        const state = await engine.agentState(a.value.username);
        if (!state.ok) return state;
        if (state.value.loggedIn) {
          if (state.value.phone === phone || state.value.phone === undefined) return this.sendState(a.value, true).then(() => ok(undefined));
          // Logged in elsewhere: it stays there (seed 004).
          this.send('AgentError', { Error: 'LoggedInOnAnotherPhone', phoneNb: state.value.phone, RequestedNb: phone });
          return ok(undefined);
        }
        // A line used by another agent is taken over; agents go straight to AgentReady.
        return engine.agentLogin(a.value.username, dir.workChannels(a.value), { phone, takeOverPhone: true, initial: { ready: true } });
      }
      case 'agentLogout': {
        const a = this.target(cmd);
        return a.ok ? engine.agentLogout(a.value.username, undefined, 'agentLogout') : a;
      }
      case 'pauseAgent': {
        const a = this.target(cmd);
        const reason = typeof cmd.reason === 'string' && cmd.reason !== '' ? cmd.reason : 'paused';
        return a.ok ? engine.agentNotReady(a.value.username, undefined, reason) : a;
      }
      case 'unpauseAgent': {
        const a = this.target(cmd);
        return a.ok ? engine.agentReady(a.value.username) : a;
      }
      case 'setAgentQueue':
      case 'removeAgentFromQueue': {
        const a = this.target(cmd);
        if (!a.ok) return a;
        const q = this.queueOf(cmd);
        if (!q.ok) return q;
        const penalty = cmd.command === 'removeAgentFromQueue' ? -1 : Number(cmd.penalty ?? 0);
        if (!Number.isInteger(penalty) || penalty < -1) return fail('INVALID_PARAMETER', 'penalty must be a whole number from 0');
        const out = await engine.setQueueMembership(a.value.username, q.value.code, penalty);
        if (out.ok) await this.server.broadcastMembership(a.value, q.value, penalty);
        return out;
      }
      case 'subscribeToAgentEvents':
      case 'getAgentStates': {
        if (cmd.command === 'subscribeToAgentEvents' && !this.everyone) {
          this.everyone = true;
          this.stops.push(await this.server.feed.on(EVERYONE, (e) => this.queue(() => this.agentChanged(e))));
        }
        for (const a of this.visibleAgents()) await this.sendState(a, true);
        return ok(undefined);
      }
      case 'subscribeToAgentStats': {
        if (!this.stats) {
          this.stats = true;
          if (!this.everyone) {
            this.everyone = true;
            this.stops.push(await this.server.feed.on(EVERYONE, (e) => this.queue(() => this.agentChanged(e))));
          }
        }
        for (const a of this.visibleAgents()) await this.sendStatistics(a);
        return ok(undefined);
      }
      case 'getList':
        return this.list(String(cmd.objectType ?? ''));
      case 'getAgentDirectory': {
        const directory = [];
        for (const a of this.visibleAgents()) {
          const [state, held] = await Promise.all([engine.agentState(a.username), engine.heldInteractions(a.username)]);
          if (state.ok && held.ok) directory.push({ agent: agentEntry(a, dir, this.groups), agentState: agentStateEvent(a, state.value, held.value, await this.memberQueues(a.username), Date.now()) });
        }
        this.send('AgentDirectory', { directory });
        return ok(undefined);
      }
      case 'listenAgent': {
        const a = this.target(cmd);
        if (!a.ok) return a;
        const state = await engine.agentState(a.value.username);
        if (!state.ok) return state;
        if (!state.value.loggedIn) return fail('AGENT_NOT_LOGGED_IN', `agent ${a.value.agentId} is not logged in`);
        this.send('AgentListen', { started: true, phoneNumber: state.value.phone ?? '', agentId: a.value.agentId });
        return ok(undefined);
      }
      case 'monitorPause':
      case 'monitorUnpause': {
        const a = this.target(cmd);
        if (!a.ok) return a;
        const call = await this.currentCall(a.value.username);
        if (!call.ok) return call;
        // Recording state is the call's: kept in its user data, seen by every face.
        return engine.updateUserData(call.value.id, { monitorState: cmd.command === 'monitorPause' ? 'PAUSED' : 'ACTIVE' });
      }
      case 'dialFromQueue':
        return this.dialFromQueue(cmd);
      case 'answer':
      case 'hangup': {
        const id = typeof cmd.uniqueId === 'string' ? cmd.uniqueId : undefined;
        const held = await engine.heldInteractions(this.user.username);
        if (!held.ok) return held;
        const call = held.value.find((i) => (id ? i.id === id : cmd.command === 'answer' ? i.status === 'BOOKED' : inProgress(i)));
        if (!call) return fail('UNKNOWN_INTERACTION', id ? `no call ${id} on this agent` : 'no call to act on');
        return cmd.command === 'answer' ? engine.accept(call.id, this.user.username) : engine.complete(call.id, 'agent', this.user.username);
      }
      default:
        if (CALLBACK_COMMANDS.has(cmd.command)) {
          if (cmd.command === 'getCallbackLists') this.callbacks = true;
          return this.callbackApi.run(cmd);
        }
        return fail('INVALID_PARAMETER', `unknown command ${cmd.command}`);
    }
  }

  private visibleAgents(): AgentConfig[] {
    return this.server.dir.agents.filter((a) => a.agentId !== undefined && a.profiles.includes('agent') && this.visibility.agent(a));
  }

  private async list(objectType: string): Promise<Outcome<unknown>> {
    const { dir, engine } = this.server;
    const queues = dir.services.filter((s) => this.visibility.queue(s));
    switch (objectType) {
      case 'agent':
        this.send('AgentList', this.visibleAgents().map((a) => agentEntry(a, dir, this.groups)));
        return ok(undefined);
      case 'agentgroup': {
        const seen = new Set(this.visibleAgents().map((a) => a.group));
        this.send('AgentGroupList', [...this.groups].filter(([name]) => seen.has(name)).map(([name, id]) => ({ id, name })));
        return ok(undefined);
      }
      case 'queue':
        this.send('QueueList', queues.map((s) => queueEntry(s, dir)));
        return ok(undefined);
      case 'queuemember':
      case 'basequeuemember': {
        const m = await engine.queueMembership();
        if (!m.ok) return m;
        const members = [];
        for (const x of m.value) {
          const a = dir.user(x.username);
          if (!a || a.agentId === undefined) continue;
          for (const s of queues) if (s.code === x.serviceCode) members.push({ agentId: a.agentId, queueId: s.queueId, penalty: x.penalty });
        }
        this.send('QueueMemberList', members);
        return ok(undefined);
      }
      default:
        return fail('INVALID_PARAMETER', `unknown list ${objectType}`);
    }
  }

  private async currentCall(username: string): Promise<Outcome<Interaction>> {
    const held = await this.server.engine.heldInteractions(username);
    if (!held.ok) return held;
    const call = held.value.find(inProgress);
    return call ? ok(call) : fail('INVALID_STATE', `${username} is not on a call`);
  }

  private async dialFromQueue(cmd: Command): Promise<Outcome<unknown>> {
    const { engine } = this.server;
    const q = this.queueOf(cmd);
    if (!q.ok) return q;
    const destination = typeof cmd.destination === 'string' ? cmd.destination : '';
    if (!/^[0-9*#+]{1,24}$/.test(destination)) return fail('INVALID_PARAMETER', 'destination must be a phone number');
    const created = await engine.createInteraction({
      channelId: q.value.channelId,
      serviceCode: q.value.code,
      contactValue: destination,
      ...(typeof cmd.callerIdName === 'string' ? { description: cmd.callerIdName } : {}),
    });
    if (!created.ok) return created;
    // Variables travel with the call (as USR_<name> in phone events); the direction marks it outgoing.
    const vars = typeof cmd.variables === 'object' && cmd.variables !== null ? (cmd.variables as Record<string, unknown>) : {};
    const set = await engine.updateUserData(created.value.id, { ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])), direction: 'Outgoing' });
    if (!set.ok) return set;
    return engine.placeInQueue(created.value.id);
  }
}

/** Commands whose failures are AgentError frames; the rest answer Error. */
const AGENT_COMMANDS = new Set(['agentLogin', 'agentLogout', 'pauseAgent', 'unpauseAgent', 'setAgentQueue', 'removeAgentFromQueue', 'listenAgent', 'monitorPause', 'monitorUnpause']);
