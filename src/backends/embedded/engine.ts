import { randomUUID } from 'node:crypto';
import type { AgentConfig, EmbeddedConfig, ServiceConfig } from '../../config/index.js';
import type { ServiceState } from '../../contract/index.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import { type AgentChannelRecord, type AgentEvent, type AgentEventKind, type SessionRecord, type Store, type Tx } from '../../store/index.js';
import type { AgentState, Backend, CloseParty, Interaction, LoginOptions, NewInteraction, TransferTarget } from '../backend.js';
import type { AgentDesk } from '../agent-desk.js';
import { BUSY, encodeNotReady, type NotReadyReason } from '../not-ready.js';
import { interactionOf } from '../interaction-view.js';
import { StoredAgentSessions } from './agent-sessions.js';
import { storeGuard } from '../../store/index.js';
import { isOpen } from './schedule.js';

export interface EngineOptions {
  /** The clock for opening hours and timestamps (tests pick instants). */
  now?: () => number;
}

/** Weight of the newest handling time in the moving average. */
const HANDLE_ALPHA = 0.2;
/** Queued sessions looked at per service per routing pass (enough for any free capacity). */
const ROUTING_WINDOW = 64;

interface AgentInfo {
  cfg: AgentConfig;
  displayName: string;
}

const isAgent = (a: AgentInfo | undefined): a is AgentInfo => !!a && a.cfg.profiles.includes('agent');
/** Is `username` a member of the service's queue right now: configured skills, changed at runtime (XiVO). */
type SkillCheck = (username: string, serviceCode: string) => boolean;
const capacityOn = (a: AgentInfo, channelId: number) =>
  typeof a.cfg.capacity === 'number' ? a.cfg.capacity : (a.cfg.capacity[String(channelId)] ?? 0);

/**
 * The embedded contact center: channels with licenses, services with hours and queues, agents with
 * skills and capacity, and routing that offers each queued session to the longest-idle ready agent
 * who can take it. State lives in the store (SQLite or PostgreSQL); every change is one store
 * transaction that locks the channel it touches first, so several bridge processes on one
 * PostgreSQL behave as one contact center. Configuration (who exists, skills, capacity, hours)
 * stays in memory.
 */
export class EmbeddedEngine implements Backend, AgentDesk {
  readonly kind = 'embedded';
  private readonly now: () => number;
  private agents: Map<string, AgentInfo>;
  private services = new Map<string, ServiceConfig>();
  private timer: NodeJS.Timeout | undefined;
  private lastSweep = 0;
  /** The agent faces' connections (Guid, JSESSIONID, XUC token). */
  readonly sessions: StoredAgentSessions;

  constructor(
    private config: EmbeddedConfig,
    readonly store: Store,
    options: EngineOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.agents = new Map(config.agents.map((cfg) => [cfg.username, { cfg, displayName: cfg.displayName ?? cfg.username }]));
    for (const c of config.channels) for (const s of c.services) this.services.set(`${c.id}/${s.code}`, s);
    this.sessions = new StoredAgentSessions(store, this.now, (username) => this.agents.has(username), (username, why) => this.agentLogout(username, undefined, why));
  }

  /**
   * Create or upgrade the schema, then resume: offers that expired while no process was running
   * go back to their queues now, and the timer keeps firing them (from whichever process).
   */
  async start(): Promise<void> {
    await this.store.migrate({
      channels: this.config.channels.map((c) => ({ id: c.id, services: c.services })),
      avgHandleSeconds: this.config.expectedHandleSeconds,
    });
    await this.tick();
    const every = Math.min(1000, Math.max(20, (this.config.offerTimeoutSeconds * 1000) / 4));
    this.timer = setInterval(() => void this.tick(), every).unref();
  }

  ready(): Promise<boolean> {
    return this.store.ping();
  }

  /**
   * A new configuration (SIGHUP): channels, services and agents as the file now says. Sessions,
   * queues and logins stay; new channel and service rows are created and the file's enabled /
   * out-of-service switches applied; then every channel is routed, as new skills may match.
   */
  async reload(config: EmbeddedConfig): Promise<void> {
    await this.store.migrate({
      channels: config.channels.map((c) => ({ id: c.id, services: c.services })),
      avgHandleSeconds: config.expectedHandleSeconds,
    });
    this.config = config;
    this.agents = new Map(config.agents.map((cfg) => [cfg.username, { cfg, displayName: cfg.displayName ?? cfg.username }]));
    this.services = new Map();
    for (const c of config.channels) for (const s of c.services) this.services.set(`${c.id}/${s.code}`, s);
    for (const c of config.channels) {
      await this.store.tx(async (tx) => {
        await tx.lockChannel(c.id);
        await this.route(tx, c.id);
      });
    }
  }

  counts(): Promise<{ sessions: Record<string, number>; agents: Record<string, number> }> {
    return this.store.read((tx) => tx.counts());
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.store.close();
  }

  /** Fire expired offers; purge CLOSED sessions past retention once a minute. One tick at a time. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.expireOffers();
      await this.sessions.expire();
      if (this.now() - this.lastSweep >= 60_000) {
        this.lastSweep = this.now();
        await this.sweep(this.now());
      }
    } catch {
      // Typically the store is down: the next tick tries again, and requests report
      // DATABASE_ERROR meanwhile. The timer must outlive any single failure.
    } finally {
      this.ticking = false;
    }
  }
  private ticking = false;

  // ---------------------------------------------------------------- services

  serviceStates(channelId: number, codes: readonly string[]): Promise<Outcome<Record<string, ServiceState>>> {
    return this.guard(() =>
      this.store.read(async (tx) => {
        const channel = this.config.channels.find((c) => c.id === channelId);
        const states: Record<string, ServiceState> = {};
        const full = channel ? channel.license <= 0 || (await tx.activeSessions(channelId)) >= channel.license : false;
        const staff = channel ? await tx.channelAgents(channelId) : [];
        const skilled = await this.skillCheck(tx);
        for (const code of codes) states[code] = await this.serviceState(tx, channelId, code, full, staff, skilled);
        return ok(states);
      }),
    );
  }

  private async serviceState(tx: Tx, channelId: number, code: string, licenseFull: boolean, staff: AgentChannelRecord[], skilled: SkillCheck): Promise<ServiceState> {
    const channel = this.config.channels.find((c) => c.id === channelId);
    if (!channel || !channel.enabled) return 'CHANNEL_NOT_ENABLED';
    if (licenseFull) return 'NO_LICENSE';
    const cfg = this.services.get(`${channelId}/${code}`);
    const runtime = cfg && (await tx.getService(channelId, code));
    if (!cfg || !runtime) return 'UNKNOWN_SERVICE';
    if (!runtime.enabled) return 'SERVICE_NOT_ENABLED';
    if (runtime.outOfService) return 'OUT_OF_SERVICE';
    if (!isOpen(cfg, this.config.timeZone, this.now())) return 'OVERTIME';
    return staff.some((a) => skilled(a.username, code)) ? 'ACTIVE' : 'OUT_OF_SERVICE';
  }

  /** Operator switches (config reload will use them). */
  setServiceEnabled(channelId: number, code: string, enabled: boolean): Promise<Outcome<void>> {
    return this.setServiceFlag(channelId, code, { enabled });
  }

  setServiceOutOfService(channelId: number, code: string, outOfService: boolean): Promise<Outcome<void>> {
    return this.setServiceFlag(channelId, code, { outOfService });
  }

  private setServiceFlag(channelId: number, code: string, flag: { enabled?: boolean; outOfService?: boolean }): Promise<Outcome<void>> {
    return this.guard(() =>
      this.store.tx(async (tx) => {
        await tx.lockChannel(channelId);
        const service = await tx.getService(channelId, code);
        if (!service) return fail('UNKNOWN_SERVICE', `service ${code} is not configured on channel ${channelId}`);
        await tx.updateService({ ...service, ...flag });
        if (flag.enabled) await this.route(tx, channelId);
        return ok(undefined);
      }),
    );
  }

  // ---------------------------------------------------------------- interactions

  createInteraction(spec: NewInteraction): Promise<Outcome<Interaction>> {
    const channel = this.config.channels.find((c) => c.id === spec.channelId);
    if (!channel) return Promise.resolve(fail('UNKNOWN_CHANNEL', `channel ${spec.channelId} is not configured on this installation`));
    if (!channel.enabled) return Promise.resolve(fail('CHANNEL_DISABLED', `channel ${spec.channelId} is not enabled`));
    if (channel.license <= 0) return Promise.resolve(fail('NO_LICENSE', `channel ${spec.channelId} is not licensed`));
    return this.guard(() =>
      this.store.tx(async (tx) => {
        await tx.lockChannel(spec.channelId);
        if ((await tx.activeSessions(spec.channelId)) >= channel.license) {
          return fail('NO_LICENSE', `channel ${spec.channelId} has all ${channel.license} licensed sessions in use`);
        }
        const service = this.services.has(`${spec.channelId}/${spec.serviceCode}`) ? await tx.getService(spec.channelId, spec.serviceCode) : undefined;
        if (!service) return fail('UNKNOWN_SERVICE', `service ${spec.serviceCode} is not configured on channel ${spec.channelId}`);
        if (!service.enabled) return fail('SERVICE_DISABLED', `service ${spec.serviceCode} is not enabled on channel ${spec.channelId}`);
        const s: SessionRecord = {
          id: spec.id ?? randomUUID(),
          channelId: spec.channelId,
          serviceCode: spec.serviceCode,
          status: 'NEW',
          data: spec.data,
          description: spec.description,
          contactId: spec.contactId,
          contactValue: spec.contactValue,
          userData: {},
          seq: 0,
          rejectedBy: [],
          createdAt: this.now(),
        };
        if (!(await tx.insertSession(s))) return fail('DUPLICATE_INTERACTION', `session ${s.id} already exists`);
        await tx.countActive(s.channelId, 1);
        return ok(await this.view(tx, s));
      }),
    );
  }

  getInteraction(id: string): Promise<Outcome<Interaction>> {
    return this.guard(() =>
      this.store.read(async (tx) => {
        const s = await tx.getSession(id);
        return s ? ok(await this.view(tx, s)) : unknownSession(id);
      }),
    );
  }

  placeInQueue(id: string): Promise<Outcome<Interaction>> {
    return this.changeOpen(id, async (tx, s) => {
      const disabled = await this.disabledService(tx, s);
      if (disabled) return disabled;
      if (s.status === 'NEW') {
        s.status = 'QUEUED';
        s.seq = await tx.nextSeq('tail');
        await tx.updateSession(s);
        await this.route(tx, s.channelId);
      }
      return this.reread(tx, s.id);
    });
  }

  offerTo(id: string, username: string): Promise<Outcome<Interaction>> {
    return this.changeOpen(id, async (tx, s) => {
      const disabled = await this.disabledService(tx, s);
      if (disabled) return disabled;
      if (s.status === 'BOOKED' || s.status === 'ASSIGNED') {
        return s.agent === username ? ok(await this.view(tx, s)) : fail('INVALID_STATE', `session ${id} is already ${s.status.toLowerCase()} to another agent`);
      }
      const agent = await this.agentAbleToTake(tx, username, s);
      if (!agent.ok) return agent;
      await this.offer(tx, s, agent.value);
      return ok(await this.view(tx, s));
    });
  }

  accept(id: string, username: string): Promise<Outcome<Interaction>> {
    return this.changeOpen(id, async (tx, s) => {
      if (s.status === 'ASSIGNED' && s.agent === username && s.workbin !== undefined) return this.pullFromWorkbin(tx, s, username);
      if (s.status === 'ASSIGNED' && s.agent === username) return ok(await this.view(tx, s));
      if (s.status !== 'BOOKED' || s.agent !== username) return fail('INVALID_STATE', `session ${id} is not offered to ${username}`);
      await this.assign(tx, s);
      return ok(await this.view(tx, s));
    });
  }

  reject(id: string, username: string): Promise<Outcome<Interaction>> {
    if (!this.agents.has(username)) return Promise.resolve(fail('UNKNOWN_AGENT', `no user ${username}`));
    return this.changeOpen(id, async (tx, s) => {
      if (s.status !== 'BOOKED' || s.agent !== username) return fail('INVALID_STATE', `session ${id} is not offered to ${username}`);
      s.rejectedBy.push(username);
      await this.requeue(tx, s, 'original', 'rejected');
      await this.route(tx, s.channelId);
      return this.reread(tx, s.id);
    });
  }

  complete(id: string, by: CloseParty, username?: string): Promise<Outcome<Interaction>> {
    return this.change(id, async (tx, s) => {
      if (s.status === 'CLOSED') return ok(await this.view(tx, s));
      if (username !== undefined && s.agent !== username) return fail('INVALID_STATE', `session ${id} is not held by ${username}`);
      const now = this.now();
      if (s.status === 'BOOKED' || s.status === 'ASSIGNED') {
        await this.releaseAgent(tx, s);
        await this.event(tx, s.agent as string, 'CLOSED', { channelId: s.channelId, sessionId: s.id, reason: `closed by the ${by}` });
        if (s.status === 'ASSIGNED' && s.workbin === undefined) await this.afterSession(tx, s.agent as string, s.channelId);
        if (s.status === 'ASSIGNED' && s.assignedAt !== undefined) {
          const service = await tx.getService(s.channelId, s.serviceCode);
          if (service) {
            const handled = (now - s.assignedAt) / 1000;
            await tx.updateService({ ...service, avgHandleSeconds: service.avgHandleSeconds + HANDLE_ALPHA * (handled - service.avgHandleSeconds) });
          }
        } else {
          s.agent = undefined; // only an agent who held the session stays named on it
        }
      }
      s.status = 'CLOSED';
      s.closedAt = now;
      s.offerExpiresAt = undefined;
      s.workbin = undefined;
      await tx.updateSession(s);
      await tx.countActive(s.channelId, -1);
      await this.route(tx, s.channelId);
      return ok(await this.view(tx, s));
    });
  }

  transfer(id: string, fromUsername: string, to: TransferTarget): Promise<Outcome<Interaction>> {
    return this.changeOpen(id, async (tx, s) => {
      if (s.status !== 'ASSIGNED' || s.agent !== fromUsername) return fail('INVALID_STATE', `session ${id} is not assigned to ${fromUsername}`);
      if ('username' in to) {
        if (to.username === fromUsername) return fail('INVALID_STATE', 'cannot transfer a session to the agent who holds it');
        const target = await this.agentAbleToTake(tx, to.username, s);
        if (!target.ok) return target;
        await this.releaseAgent(tx, s, 'transferred');
        await this.offer(tx, s, target.value);
      } else {
        const service = this.services.has(`${s.channelId}/${to.serviceCode}`) ? await tx.getService(s.channelId, to.serviceCode) : undefined;
        if (!service) return fail('UNKNOWN_SERVICE', `service ${to.serviceCode} is not configured on channel ${s.channelId}`);
        if (!service.enabled) return fail('SERVICE_DISABLED', `service ${to.serviceCode} is not enabled on channel ${s.channelId}`);
        s.serviceCode = to.serviceCode;
        s.rejectedBy = [];
        await this.requeue(tx, s, 'tail', 'transferred');
      }
      await this.route(tx, s.channelId);
      return this.reread(tx, s.id);
    });
  }

  updateUserData(id: string, data: Record<string, string>): Promise<Outcome<Interaction>> {
    return this.changeOpen(id, async (tx, s) => {
      Object.assign(s.userData, data);
      return this.dataChanged(tx, s);
    });
  }

  deleteUserData(id: string, keys: readonly string[]): Promise<Outcome<Interaction>> {
    return this.changeOpen(id, async (tx, s) => {
      for (const k of keys) delete s.userData[k];
      return this.dataChanged(tx, s);
    });
  }

  /** Replace the whole user data (Genesys UpdateUserData with a full map, XiVO ticket updates keep the rest). */
  private async dataChanged(tx: Tx, s: SessionRecord): Promise<Outcome<Interaction>> {
    await tx.updateSession(s);
    if (s.agent !== undefined && (s.status === 'BOOKED' || s.status === 'ASSIGNED')) {
      await this.event(tx, s.agent, 'UPDATED', { channelId: s.channelId, sessionId: s.id });
    }
    return ok(await this.view(tx, s));
  }

  /** The agent gives a held session back without finishing it: to the head of its queue (Genesys Cancel, XiVO releaseCallback). */
  returnToQueue(id: string, username: string): Promise<Outcome<Interaction>> {
    return this.changeOpen(id, async (tx, s) => {
      if ((s.status !== 'BOOKED' && s.status !== 'ASSIGNED') || s.agent !== username) return fail('INVALID_STATE', `session ${id} is not held by ${username}`);
      await this.requeue(tx, s, 'head', 'returned to the queue');
      await this.route(tx, s.channelId);
      return this.reread(tx, s.id);
    });
  }

  /** Park an assigned session in one of the agent's workbins: still theirs, off their load. */
  placeInWorkbin(id: string, username: string, workbin: string): Promise<Outcome<Interaction>> {
    return this.changeOpen(id, async (tx, s) => {
      if (s.status !== 'ASSIGNED' || s.agent !== username) return fail('INVALID_STATE', `session ${id} is not assigned to ${username}`);
      if (s.workbin === workbin) return ok(await this.view(tx, s));
      if (s.workbin === undefined) await this.releaseAgent(tx, s);
      s.workbin = workbin;
      await tx.updateSession(s);
      await this.event(tx, username, 'PARKED', { channelId: s.channelId, sessionId: s.id, reason: workbin });
      await this.route(tx, s.channelId);
      return ok(await this.view(tx, s));
    });
  }

  private async pullFromWorkbin(tx: Tx, s: SessionRecord, username: string): Promise<Outcome<Interaction>> {
    const row = await this.agentAbleToTake(tx, username, s, await this.skillCheck(tx), { skill: false });
    if (!row.ok) return row;
    row.value.load++;
    await tx.upsertAgentChannel(row.value);
    s.workbin = undefined;
    await tx.updateSession(s);
    await this.event(tx, username, 'ASSIGNED', { channelId: s.channelId, sessionId: s.id });
    return ok(await this.view(tx, s));
  }

  /** Sessions in one of the agent's workbins. */
  workbinContent(username: string, workbin: string): Promise<Outcome<Interaction[]>> {
    return this.heldInteractions(username).then((o) => (o.ok ? ok(o.value.filter((i) => i.workbin === workbin)) : o));
  }

  /** Sessions BOOKED or ASSIGNED to the agent (parked ones included), oldest first. */
  heldInteractions(username: string): Promise<Outcome<Interaction[]>> {
    const agent = this.agentNamed(username);
    if (!agent.ok) return Promise.resolve(agent);
    return this.guard(() => this.store.read(async (tx) => ok(await Promise.all((await tx.heldBy(username)).map((s) => this.view(tx, s))))));
  }

  /** Every session not CLOSED (the contact center's active interactions), oldest first. */
  openInteractions(limit = 1000): Promise<Outcome<Interaction[]>> {
    return this.guard(() => this.store.read(async (tx) => ok(await Promise.all((await tx.openSessions(limit)).map((s) => this.view(tx, s))))));
  }

  // ---------------------------------------------------------------- agents

  agentLogin(username: string, channelIds: readonly number[], options: LoginOptions = {}): Promise<Outcome<AgentState>> {
    const agent = this.agentNamed(username);
    if (!agent.ok) return Promise.resolve(agent);
    for (const id of channelIds) {
      const channel = this.config.channels.find((c) => c.id === id);
      if (!channel) return Promise.resolve(fail('UNKNOWN_CHANNEL', `channel ${id} is not configured on this installation`));
      if (!channel.enabled) return Promise.resolve(fail('CHANNEL_DISABLED', `channel ${id} is not enabled`));
    }
    const mine = [...new Set(channelIds)];
    return this.guard(() =>
      this.store.tx(async (tx) => {
        // A line taken over logs its agent out of every channel: lock theirs too, all in one order.
        const takenFrom = options.takeOverPhone && options.phone !== undefined
          ? (await tx.agentsOnPhone(options.phone)).filter((r) => r.username !== username)
          : [];
        for (const id of [...new Set([...mine, ...takenFrom.map((r) => r.channelId)])].sort((a, b) => a - b)) await tx.lockChannel(id);
        for (const row of takenFrom) await this.logoutRow(tx, row, `line ${options.phone} taken over by ${username}`);
        const initial = options.initial;
        const rows: AgentChannelRecord[] = [];
        for (const channelId of mine.sort((a, b) => a - b)) {
          // Checked under the lock: a login racing on another process must not reset a load.
          if (await tx.agentChannel(username, channelId)) continue;
          const row: AgentChannelRecord = {
            username, channelId, ready: false, load: 0, idleSince: this.now(),
            autoAnswer: options.autoAnswer, autoIdle: options.autoIdle ?? true, phone: options.phone,
          };
          rows.push(row);
          await tx.upsertAgentChannel(row);
          await this.event(tx, username, 'LOGGED_IN', { channelId });
        }
        if (initial) {
          // The order a CC-Gateway reports: signed in (every channel), ready, then the not-ready state asked for.
          for (const row of rows) await this.event(tx, username, 'READY', { channelId: row.channelId });
          for (const row of rows) {
            row.ready = initial.ready;
            if (!initial.ready) {
              row.reason = encodeNotReady(initial.reason ?? BUSY);
              await this.event(tx, username, 'NOT_READY', { channelId: row.channelId, reason: row.reason });
            }
            await tx.upsertAgentChannel(row);
            if (row.ready) await this.route(tx, row.channelId);
          }
        }
        return ok(await this.agentView(tx, agent.value));
      }),
    );
  }

  /** Change the login options of a logged-in agent (Huawei autoanswer / autoenteridle). */
  setAgentOptions(username: string, options: { autoAnswer?: boolean; autoIdle?: boolean }): Promise<Outcome<AgentState>> {
    return this.changeAgent(username, undefined, async (tx, agent, rows) => {
      for (const row of rows) {
        await tx.upsertAgentChannel({ ...row, ...(options.autoAnswer !== undefined ? { autoAnswer: options.autoAnswer } : {}), ...(options.autoIdle !== undefined ? { autoIdle: options.autoIdle } : {}) });
      }
      return ok(await this.agentView(tx, agent));
    });
  }

  agentLogout(username: string, channelId?: number, why?: string): Promise<Outcome<AgentState>> {
    return this.changeAgent(username, channelId, async (tx, agent, rows) => {
      for (const row of rows) await this.logoutRow(tx, row, why);
      return ok(await this.agentView(tx, agent));
    });
  }

  /** Log an agent out of one channel, under that channel's lock. */
  private async logoutRow(tx: Tx, row: AgentChannelRecord, why?: string): Promise<void> {
    // Sessions the agent held go back to the head of their queues: no customer is dropped.
    for (const s of await tx.heldBy(row.username, row.channelId)) await this.requeue(tx, s, 'head', 'logout');
    await tx.deleteAgentChannel(row.username, row.channelId);
    await this.event(tx, row.username, 'LOGGED_OUT', { channelId: row.channelId, reason: why });
    await this.route(tx, row.channelId);
  }

  agentReady(username: string, channelId?: number): Promise<Outcome<AgentState>> {
    return this.setReady(username, channelId, true);
  }

  agentNotReady(username: string, channelId?: number, reason: NotReadyReason = BUSY): Promise<Outcome<AgentState>> {
    return this.setReady(username, channelId, false, encodeNotReady(reason));
  }

  agentState(username: string): Promise<Outcome<AgentState>> {
    const agent = this.agentNamed(username);
    if (!agent.ok) return Promise.resolve(agent);
    return this.guard(() => this.store.read(async (tx) => ok(await this.agentView(tx, agent.value))));
  }

  private setReady(username: string, channelId: number | undefined, ready: boolean, reason?: string): Promise<Outcome<AgentState>> {
    return this.changeAgent(username, channelId, async (tx, agent, rows) => {
      for (const row of rows) {
        if (ready !== row.ready) row.idleSince = this.now();
        // READY says which not-ready state it ends (Huawei CancelRest / CancelWork / CancelNotReady).
        const left = row.ready ? undefined : row.reason;
        row.ready = ready;
        row.reason = ready ? undefined : (reason ?? 'busy');
        await tx.upsertAgentChannel(row);
        await this.event(tx, username, ready ? 'READY' : 'NOT_READY', { channelId: row.channelId, reason: ready ? left : row.reason });
        if (ready) await this.route(tx, row.channelId);
      }
      return ok(await this.agentView(tx, agent));
    });
  }

  /** The agent's events after `afterId` (0 = from the oldest kept), oldest first: what the agent faces deliver. */
  agentEvents(username: string, afterId = 0, limit = 100): Promise<Outcome<AgentEvent[]>> {
    const agent = this.agentNamed(username);
    if (!agent.ok) return Promise.resolve(agent);
    return this.guard(() => this.store.read(async (tx) => ok(await tx.eventsAfter(username, afterId, limit))));
  }

  /** Everyone's events after `afterId`, oldest first (the push faces' feed). */
  recentEvents(afterId: number, limit = 500): Promise<Outcome<AgentEvent[]>> {
    return this.guard(() => this.store.read(async (tx) => ok(await tx.recentEvents(afterId, limit))));
  }

  /** The newest event id (of one agent, or of all). */
  lastEventId(username?: string): Promise<Outcome<number>> {
    return this.guard(() => this.store.read(async (tx) => ok(await tx.lastEventId(username))));
  }

  // ---------------------------------------------------------------- timers

  /** Unanswered offers back to their queues (the agent is away: not ready on that channel). */
  async expireOffers(): Promise<number> {
    const due = await this.store.read((tx) => tx.expiredOffers(this.now(), 100));
    let fired = 0;
    for (const candidate of due) {
      fired += await this.store.tx(async (tx) => {
        await tx.lockChannel(candidate.channelId);
        const s = await tx.getSession(candidate.id);
        if (!s || s.status !== 'BOOKED' || s.agent === undefined || (s.offerExpiresAt ?? Infinity) > this.now()) return 0;
        const username = s.agent;
        await this.requeue(tx, s, 'original', 'no answer');
        const row = await tx.agentChannel(username, s.channelId);
        if (row) {
          await tx.upsertAgentChannel({ ...row, ready: false, reason: 'no answer' });
          await this.event(tx, username, 'NOT_READY', { channelId: s.channelId, reason: 'no answer' });
        }
        await this.route(tx, s.channelId);
        return 1;
      });
    }
    return fired;
  }

  /** Forget CLOSED sessions older than the retention; how many. */
  sweep(now: number): Promise<number> {
    return this.store.tx((tx) => tx.purgeClosed(now - this.config.closedRetentionHours * 3_600_000));
  }

  // ---------------------------------------------------------------- routing

  /**
   * Offer queued sessions of a channel, oldest first across services, each to the longest-idle
   * agent who is logged in and ready on the channel, skilled, under capacity, and has not declined
   * it. Runs inside the caller's transaction, which holds the channel lock.
   */
  private async route(tx: Tx, channelId: number): Promise<void> {
    const rows = (await tx.channelAgents(channelId)).filter((r) => {
      const a = this.agents.get(r.username);
      return r.ready && isAgent(a) && r.load < capacityOn(a, channelId);
    });
    if (rows.length === 0) return;
    const skilled = await this.skillCheck(tx);
    const channel = this.config.channels.find((c) => c.id === channelId);
    const queues: SessionRecord[][] = [];
    for (const svc of channel?.services ?? []) {
      if (!rows.some((r) => skilled(r.username, svc.code))) continue;
      const runtime = await tx.getService(channelId, svc.code);
      if (!runtime?.enabled) continue;
      const q = await tx.queued(channelId, svc.code, ROUTING_WINDOW);
      if (q.length > 0) queues.push(q);
    }
    queues.sort((a, b) => (a[0]?.seq ?? 0) - (b[0]?.seq ?? 0));
    const room = (r: AgentChannelRecord) => r.load < capacityOn(this.agents.get(r.username) as AgentInfo, channelId);
    for (const queue of queues) {
      for (const s of queue) {
        const best = rows
          .filter((r) => room(r) && skilled(r.username, s.serviceCode) && !s.rejectedBy.includes(r.username))
          .sort((a, b) => a.idleSince - b.idleSince)[0];
        if (best) await this.offer(tx, s, best);
        if (!rows.some(room)) return;
      }
    }
  }

  /** BOOKED to the agent with an offer deadline, or straight to ASSIGNED when the agent auto-answers. */
  private async offer(tx: Tx, s: SessionRecord, row: AgentChannelRecord): Promise<void> {
    s.status = 'BOOKED';
    s.agent = row.username;
    s.offerExpiresAt = this.now() + this.config.offerTimeoutSeconds * 1000;
    row.load++;
    row.idleSince = this.now();
    await tx.upsertAgentChannel(row);
    await this.event(tx, row.username, 'OFFERED', { channelId: s.channelId, sessionId: s.id });
    if (row.autoAnswer ?? this.agents.get(row.username)?.cfg.autoAnswer) return this.assign(tx, s);
    await tx.updateSession(s);
  }

  private async assign(tx: Tx, s: SessionRecord): Promise<void> {
    s.status = 'ASSIGNED';
    s.assignedAt = this.now();
    s.offerExpiresAt = undefined;
    await tx.updateSession(s);
    await this.event(tx, s.agent as string, 'ASSIGNED', { channelId: s.channelId, sessionId: s.id });
  }

  private event(tx: Tx, username: string, kind: AgentEventKind, e: { channelId?: number; sessionId?: string; reason?: string | undefined }): Promise<void> {
    return tx.appendEvent({ username, kind, at: this.now(), ...e });
  }

  /** Take the session off its agent's load, leaving the agent named on it; with a reason, tell the agent it went. */
  private async releaseAgent(tx: Tx, s: SessionRecord, reason?: string): Promise<void> {
    if (s.agent === undefined) return;
    if (reason) await this.event(tx, s.agent, 'RELEASED', { channelId: s.channelId, sessionId: s.id, reason });
    if (s.workbin !== undefined) return; // parked: already off the load
    const row = await tx.agentChannel(s.agent, s.channelId);
    if (row) await tx.upsertAgentChannel({ ...row, load: Math.max(0, row.load - 1), idleSince: this.now() });
  }

  /** After a handled session: an agent without auto-idle goes to wrap-up (not ready) on that channel. */
  private async afterSession(tx: Tx, username: string, channelId: number): Promise<void> {
    const row = await tx.agentChannel(username, channelId);
    if (!row || row.autoIdle || !row.ready) return;
    await tx.upsertAgentChannel({ ...row, ready: false, reason: 'wrap-up', idleSince: this.now() });
    await this.event(tx, username, 'NOT_READY', { channelId, reason: 'wrap-up' });
  }

  /** Back to QUEUED (at its original place, the head, or the tail of its service queue), saying why to its agent. */
  private async requeue(tx: Tx, s: SessionRecord, where: 'original' | 'head' | 'tail', reason: string): Promise<void> {
    await this.releaseAgent(tx, s, reason);
    s.agent = undefined;
    s.assignedAt = undefined;
    s.offerExpiresAt = undefined;
    s.workbin = undefined;
    if (where !== 'original') s.seq = await tx.nextSeq(where);
    s.status = 'QUEUED';
    await tx.updateSession(s);
  }

  // ---------------------------------------------------------------- transactions and lookups

  private guard<T>(fn: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    return storeGuard(fn);
  }

  /** One transaction on a session: its channel locked first, then the session read afresh. */
  private change<T>(id: string, fn: (tx: Tx, s: SessionRecord) => Promise<Outcome<T>>): Promise<Outcome<T>> {
    return this.guard(() =>
      this.store.tx(async (tx) => {
        const seen = await tx.getSession(id);
        if (!seen) return unknownSession(id);
        await tx.lockChannel(seen.channelId);
        const s = (await tx.getSession(id)) as SessionRecord;
        return fn(tx, s);
      }),
    );
  }

  /** Like change(), for sessions that must not be CLOSED. */
  private changeOpen<T>(id: string, fn: (tx: Tx, s: SessionRecord) => Promise<Outcome<T>>): Promise<Outcome<T>> {
    return this.change(id, (tx, s) => (s.status === 'CLOSED' ? Promise.resolve(fail('INTERACTION_CLOSED', `session ${id} is already closed`)) : fn(tx, s)));
  }

  /** One transaction on an agent's channels (one channel, or all it is logged in on), each locked. */
  private changeAgent(
    username: string,
    channelId: number | undefined,
    fn: (tx: Tx, agent: AgentInfo, rows: AgentChannelRecord[]) => Promise<Outcome<AgentState>>,
  ): Promise<Outcome<AgentState>> {
    const agent = this.agentNamed(username);
    if (!agent.ok) return Promise.resolve(agent);
    return this.guard(() =>
      this.store.tx(async (tx) => {
        const ids = (await tx.agentChannels(username)).map((r) => r.channelId).filter((id) => channelId === undefined || id === channelId);
        if (ids.length === 0) {
          return fail('AGENT_NOT_LOGGED_IN', `${username} is not logged in${channelId === undefined ? '' : ` on channel ${channelId}`}`);
        }
        const rows: AgentChannelRecord[] = [];
        for (const id of ids.sort((a, b) => a - b)) {
          await tx.lockChannel(id);
          rows.push((await tx.agentChannel(username, id)) as AgentChannelRecord);
        }
        return fn(tx, agent.value, rows);
      }),
    );
  }

  private async reread(tx: Tx, id: string): Promise<Outcome<Interaction>> {
    return ok(await this.view(tx, (await tx.getSession(id)) as SessionRecord));
  }

  private async disabledService(tx: Tx, s: SessionRecord): Promise<Outcome<never> | undefined> {
    const service = await tx.getService(s.channelId, s.serviceCode);
    return service?.enabled ? undefined : fail('SERVICE_DISABLED', `service ${s.serviceCode} is not enabled on channel ${s.channelId}`);
  }

  /** Queue membership as of this transaction: the roster's skills, with runtime additions and removals. */
  private async skillCheck(tx: Tx): Promise<SkillCheck> {
    const changed = new Map((await tx.queueMembers()).map((m) => [`${m.username}/${m.serviceCode}`, m.penalty]));
    return (username, code) => {
      const a = this.agents.get(username);
      if (!isAgent(a)) return false;
      const penalty = changed.get(`${username}/${code}`);
      return penalty === undefined ? a.cfg.skills.includes(code) : penalty >= 0;
    };
  }

  /** Every agent's queues (service codes) with penalties, roster skills at penalty 0. */
  queueMembership(): Promise<Outcome<Array<{ username: string; serviceCode: string; penalty: number }>>> {
    return this.guard(() =>
      this.store.read(async (tx) => {
        const changed = await tx.queueMembers();
        const members = new Map<string, { username: string; serviceCode: string; penalty: number }>();
        for (const a of this.agents.values()) {
          if (isAgent(a)) for (const code of a.cfg.skills) members.set(`${a.cfg.username}/${code}`, { username: a.cfg.username, serviceCode: code, penalty: 0 });
        }
        for (const m of changed) {
          if (m.penalty < 0) members.delete(`${m.username}/${m.serviceCode}`);
          else members.set(`${m.username}/${m.serviceCode}`, m);
        }
        return ok([...members.values()]);
      }),
    );
  }

  /** Add the agent to a service queue or change its penalty; a negative penalty removes it. Routes at once. */
  setQueueMembership(username: string, serviceCode: string, penalty: number): Promise<Outcome<void>> {
    const agent = this.agentNamed(username);
    if (!agent.ok) return Promise.resolve(agent);
    const channels = this.config.channels.filter((c) => c.services.some((s) => s.code === serviceCode)).map((c) => c.id).sort((a, b) => a - b);
    if (channels.length === 0) return Promise.resolve(fail('UNKNOWN_SERVICE', `no service ${serviceCode} is configured`));
    return this.guard(() =>
      this.store.tx(async (tx) => {
        for (const id of channels) await tx.lockChannel(id);
        await tx.setQueueMember(username, serviceCode, penalty < 0 ? -1 : penalty);
        for (const id of channels) await this.route(tx, id);
        return ok(undefined);
      }),
    );
  }

  private agentNamed(username: string): Outcome<AgentInfo> {
    const agent = this.agents.get(username);
    if (!agent) return fail('UNKNOWN_AGENT', `no user ${username}`);
    if (!isAgent(agent)) return fail('NOT_AN_AGENT', `user ${username} has no agent profile`);
    return ok(agent);
  }

  /** The checks of a directed offer: a known agent, logged in on the channel, skilled, under capacity (ready or not). */
  private async agentAbleToTake(tx: Tx, username: string, s: SessionRecord, skilled?: SkillCheck, check = { skill: true }): Promise<Outcome<AgentChannelRecord>> {
    const agent = this.agentNamed(username);
    if (!agent.ok) return agent;
    const row = await tx.agentChannel(username, s.channelId);
    if (!row) return fail('AGENT_NOT_LOGGED_IN', `${username} is not logged in on channel ${s.channelId}`);
    if (check.skill && !(skilled ?? (await this.skillCheck(tx)))(username, s.serviceCode)) return fail('AGENT_UNAVAILABLE', `${username} is not skilled for service ${s.serviceCode}`);
    if (row.load >= capacityOn(agent.value, s.channelId)) return fail('AGENT_UNAVAILABLE', `${username} has no free capacity on channel ${s.channelId}`);
    return ok(row);
  }

  private async view(tx: Tx, s: SessionRecord): Promise<Interaction> {
    const agent = s.agent !== undefined ? this.agents.get(s.agent) : undefined;
    const view = interactionOf(s, agent ? { username: agent.cfg.username, displayName: agent.displayName } : undefined);
    const cfg = this.services.get(`${s.channelId}/${s.serviceCode}`);
    if (s.status === 'QUEUED') {
      const position = await tx.queuePosition(s);
      const logged = await tx.channelAgents(s.channelId);
      // Nobody logged in: no need to read the queue memberships.
      const skilled = logged.length > 0 ? await this.skillCheck(tx) : () => false;
      const staffed = logged
        .filter((r) => skilled(r.username, s.serviceCode))
        .reduce((n, r) => n + capacityOn(this.agents.get(r.username) as AgentInfo, s.channelId), 0);
      const avg = (await tx.getService(s.channelId, s.serviceCode))?.avgHandleSeconds ?? this.config.expectedHandleSeconds;
      view.queuePosition = position;
      view.expectedWaitSeconds = Math.ceil(position / Math.max(1, staffed)) * Math.round(avg);
    }
    if (cfg && (s.status === 'NEW' || s.status === 'QUEUED') && !isOpen(cfg, this.config.timeZone, this.now())) {
      view.serviceMessage = cfg.closedMessage;
    }
    return view;
  }

  private async agentView(tx: Tx, a: AgentInfo): Promise<AgentState> {
    const rows = await tx.agentChannels(a.cfg.username);
    const first = rows[0];
    return {
      username: a.cfg.username,
      displayName: a.displayName,
      loggedIn: rows.length > 0,
      channels: rows.map((r) => ({
        channelId: r.channelId, ready: r.ready, load: r.load, capacity: capacityOn(a, r.channelId), since: r.idleSince,
        ...(r.reason !== undefined ? { reason: r.reason } : {}),
      })),
      ...(first?.phone !== undefined ? { phone: first.phone } : {}),
      autoAnswer: first?.autoAnswer ?? a.cfg.autoAnswer,
      autoIdle: first?.autoIdle ?? true,
    };
  }
}

const unknownSession = (id: string) => fail('UNKNOWN_INTERACTION', `no session ${id}`);
