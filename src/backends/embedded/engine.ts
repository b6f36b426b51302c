import { randomUUID } from 'node:crypto';
import type { ServiceState } from '../../contract/index.js';
import type { EmbeddedConfig } from '../../config/index.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import type { AgentState, Backend, CloseParty, Interaction, NewInteraction, TransferTarget } from '../backend.js';
import { capacityOn, isAgent, skilledFor, type AgentRuntime, type ChannelRuntime, type ServiceRuntime, type Session } from './model.js';
import { SeqQueue } from './queue.js';
import { isOpen } from './schedule.js';

export interface EngineOptions {
  /** The clock for opening hours and timestamps (tests pick instants); timers use real time. */
  now?: () => number;
}

/** Weight of the newest handling time in the moving average. */
const HANDLE_ALPHA = 0.2;

/**
 * The embedded contact center: channels with licenses, services with hours and queues, agents with
 * skills and capacity, and routing that offers each queued session to the longest-idle ready agent
 * who can take it. All state is in memory (a durable store is issue #3); every answer is a copy.
 */
export class EmbeddedEngine implements Backend {
  readonly kind = 'embedded';
  private readonly now: () => number;
  private readonly channels = new Map<number, ChannelRuntime>();
  private readonly agents = new Map<string, AgentRuntime>();
  private readonly sessions = new Map<string, Session>();
  /** CLOSED session ids in closing order, for the retention sweep. */
  private readonly closedOrder: string[] = [];
  /** Queue order: appended sessions count up, sessions sent back to the head count down. */
  private tailSeq = 0;
  private headSeq = 0;
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private readonly config: EmbeddedConfig,
    options: EngineOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    for (const cfg of config.channels) {
      const services = new Map<string, ServiceRuntime>();
      for (const s of cfg.services) {
        services.set(s.code, {
          channelId: cfg.id,
          cfg: s,
          enabled: s.enabled,
          outOfService: s.outOfService,
          queue: new SeqQueue<Session>(),
          avgHandleSeconds: config.expectedHandleSeconds,
        });
      }
      this.channels.set(cfg.id, { cfg, active: 0, services });
    }
    for (const cfg of config.agents) {
      this.agents.set(cfg.username, { cfg, displayName: cfg.displayName ?? cfg.username, channels: new Map(), held: new Set(), idleSince: 0 });
    }
    const retentionMs = config.closedRetentionHours * 3_600_000;
    this.sweepTimer = setInterval(() => this.sweep(this.now()), Math.min(60_000, retentionMs)).unref();
  }

  // ---------------------------------------------------------------- services

  async serviceStates(channelId: number, codes: readonly string[]): Promise<Outcome<Record<string, ServiceState>>> {
    const states: Record<string, ServiceState> = {};
    for (const code of codes) states[code] = this.serviceState(channelId, code);
    return ok(states);
  }

  private serviceState(channelId: number, code: string): ServiceState {
    const channel = this.channels.get(channelId);
    if (!channel || !channel.cfg.enabled) return 'CHANNEL_NOT_ENABLED';
    if (this.licenseFull(channel)) return 'NO_LICENSE';
    const service = channel.services.get(code);
    if (!service) return 'UNKNOWN_SERVICE';
    if (!service.enabled) return 'SERVICE_NOT_ENABLED';
    if (service.outOfService) return 'OUT_OF_SERVICE';
    if (!isOpen(service.cfg, this.config.timeZone, this.now())) return 'OVERTIME';
    const staffed = [...this.agents.values()].some((a) => a.channels.has(channelId) && skilledFor(a, code) && isAgent(a));
    return staffed ? 'ACTIVE' : 'OUT_OF_SERVICE';
  }

  private licenseFull(channel: ChannelRuntime): boolean {
    return channel.cfg.license <= 0 || channel.active >= channel.cfg.license;
  }

  /** Operator switches (config reload will use them). */
  async setServiceEnabled(channelId: number, code: string, enabled: boolean): Promise<Outcome<void>> {
    const service = this.channels.get(channelId)?.services.get(code);
    if (!service) return fail('UNKNOWN_SERVICE', `service ${code} is not configured on channel ${channelId}`);
    service.enabled = enabled;
    return ok(undefined);
  }

  async setServiceOutOfService(channelId: number, code: string, outOfService: boolean): Promise<Outcome<void>> {
    const service = this.channels.get(channelId)?.services.get(code);
    if (!service) return fail('UNKNOWN_SERVICE', `service ${code} is not configured on channel ${channelId}`);
    service.outOfService = outOfService;
    return ok(undefined);
  }

  // ---------------------------------------------------------------- interactions

  async createInteraction(spec: NewInteraction): Promise<Outcome<Interaction>> {
    const channel = this.channels.get(spec.channelId);
    if (!channel) return fail('UNKNOWN_CHANNEL', `channel ${spec.channelId} is not configured on this installation`);
    if (!channel.cfg.enabled) return fail('CHANNEL_DISABLED', `channel ${spec.channelId} is not enabled`);
    if (channel.cfg.license <= 0) return fail('NO_LICENSE', `channel ${spec.channelId} is not licensed`);
    if (channel.active >= channel.cfg.license) {
      return fail('NO_LICENSE', `channel ${spec.channelId} has all ${channel.cfg.license} licensed sessions in use`);
    }
    const service = channel.services.get(spec.serviceCode);
    if (!service) return fail('UNKNOWN_SERVICE', `service ${spec.serviceCode} is not configured on channel ${spec.channelId}`);
    if (!service.enabled) return fail('SERVICE_DISABLED', `service ${spec.serviceCode} is not enabled on channel ${spec.channelId}`);
    const id = spec.id ?? randomUUID();
    if (this.sessions.has(id)) return fail('DUPLICATE_INTERACTION', `session ${id} already exists`);

    const session: Session = {
      id,
      seq: 0,
      channelId: spec.channelId,
      serviceCode: spec.serviceCode,
      status: 'NEW',
      userData: {},
      createdAt: this.now(),
      rejectedBy: new Set(),
      ...(spec.data !== undefined ? { data: spec.data } : {}),
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      ...(spec.contactId !== undefined ? { contactId: spec.contactId } : {}),
      ...(spec.contactValue !== undefined ? { contactValue: spec.contactValue } : {}),
    };
    this.sessions.set(id, session);
    channel.active++;
    return ok(this.view(session));
  }

  async getInteraction(id: string): Promise<Outcome<Interaction>> {
    const s = this.sessions.get(id);
    return s ? ok(this.view(s)) : unknownSession(id);
  }

  async placeInQueue(id: string): Promise<Outcome<Interaction>> {
    const found = this.openInEnabledService(id);
    if (!found.ok) return found;
    const { session: s, service } = found.value;
    if (s.status === 'NEW') {
      s.seq = ++this.tailSeq;
      s.status = 'QUEUED';
      service.queue.insert(s);
      this.route();
    }
    return ok(this.view(s));
  }

  async offerTo(id: string, username: string): Promise<Outcome<Interaction>> {
    const found = this.openInEnabledService(id);
    if (!found.ok) return found;
    const { session: s, service } = found.value;
    if (s.status === 'BOOKED' || s.status === 'ASSIGNED') {
      return s.agent === username ? ok(this.view(s)) : fail('INVALID_STATE', `session ${id} is already ${s.status.toLowerCase()} to another agent`);
    }
    const agent = this.agentAbleToTake(username, s);
    if (!agent.ok) return agent;
    if (s.status === 'QUEUED') service.queue.remove(s);
    this.offer(s, agent.value);
    return ok(this.view(s));
  }

  async accept(id: string, username: string): Promise<Outcome<Interaction>> {
    const found = this.open(id);
    if (!found.ok) return found;
    const s = found.value;
    if (s.status === 'ASSIGNED' && s.agent === username) return ok(this.view(s));
    if (s.status !== 'BOOKED' || s.agent !== username) return fail('INVALID_STATE', `session ${id} is not offered to ${username}`);
    this.assign(s);
    return ok(this.view(s));
  }

  async reject(id: string, username: string): Promise<Outcome<Interaction>> {
    if (!this.agents.has(username)) return fail('UNKNOWN_AGENT', `no user ${username}`);
    const found = this.open(id);
    if (!found.ok) return found;
    const s = found.value;
    if (s.status !== 'BOOKED' || s.agent !== username) return fail('INVALID_STATE', `session ${id} is not offered to ${username}`);
    s.rejectedBy.add(username);
    this.requeue(s, 'original');
    this.route();
    return ok(this.view(s));
  }

  async complete(id: string, _by: CloseParty, username?: string): Promise<Outcome<Interaction>> {
    const s = this.sessions.get(id);
    if (!s) return unknownSession(id);
    if (s.status === 'CLOSED') return ok(this.view(s));
    if (username !== undefined && s.agent !== username) return fail('INVALID_STATE', `session ${id} is not held by ${username}`);
    const now = this.now();
    const service = this.serviceOf(s);
    if (s.status === 'QUEUED') service.queue.remove(s);
    if (s.status === 'BOOKED' || s.status === 'ASSIGNED') {
      const held = s.status === 'ASSIGNED';
      this.releaseAgent(s);
      if (held && s.assignedAt !== undefined) {
        const handled = (now - s.assignedAt) / 1000;
        service.avgHandleSeconds += HANDLE_ALPHA * (handled - service.avgHandleSeconds);
      } else {
        delete s.agent; // only an agent who held the session stays named on it
      }
    }
    s.status = 'CLOSED';
    s.closedAt = now;
    this.closedOrder.push(s.id);
    const channel = this.channels.get(s.channelId);
    if (channel) channel.active--;
    this.route();
    return ok(this.view(s));
  }

  async transfer(id: string, fromUsername: string, to: TransferTarget): Promise<Outcome<Interaction>> {
    const found = this.open(id);
    if (!found.ok) return found;
    const s = found.value;
    if (s.status !== 'ASSIGNED' || s.agent !== fromUsername) return fail('INVALID_STATE', `session ${id} is not assigned to ${fromUsername}`);
    if ('username' in to) {
      if (to.username === fromUsername) return fail('INVALID_STATE', 'cannot transfer a session to the agent who holds it');
      const target = this.agentAbleToTake(to.username, s);
      if (!target.ok) return target;
      this.releaseAgent(s);
      this.offer(s, target.value);
    } else {
      const service = this.channels.get(s.channelId)?.services.get(to.serviceCode);
      if (!service) return fail('UNKNOWN_SERVICE', `service ${to.serviceCode} is not configured on channel ${s.channelId}`);
      if (!service.enabled) return fail('SERVICE_DISABLED', `service ${to.serviceCode} is not enabled on channel ${s.channelId}`);
      this.releaseAgent(s);
      s.serviceCode = to.serviceCode;
      s.rejectedBy.clear();
      this.requeue(s, 'tail');
    }
    this.route();
    return ok(this.view(s));
  }

  async updateUserData(id: string, data: Record<string, string>): Promise<Outcome<Interaction>> {
    const found = this.open(id);
    if (!found.ok) return found;
    Object.assign(found.value.userData, data);
    return ok(this.view(found.value));
  }

  async deleteUserData(id: string, keys: readonly string[]): Promise<Outcome<Interaction>> {
    const found = this.open(id);
    if (!found.ok) return found;
    for (const k of keys) delete found.value.userData[k];
    return ok(this.view(found.value));
  }

  // ---------------------------------------------------------------- agents

  async agentLogin(username: string, channelIds: readonly number[]): Promise<Outcome<AgentState>> {
    const found = this.agentNamed(username);
    if (!found.ok) return found;
    for (const id of channelIds) {
      const channel = this.channels.get(id);
      if (!channel) return fail('UNKNOWN_CHANNEL', `channel ${id} is not configured on this installation`);
      if (!channel.cfg.enabled) return fail('CHANNEL_DISABLED', `channel ${id} is not enabled`);
    }
    for (const id of channelIds) if (!found.value.channels.has(id)) found.value.channels.set(id, { ready: false, load: 0 });
    return ok(this.agentView(found.value));
  }

  async agentLogout(username: string, channelId?: number): Promise<Outcome<AgentState>> {
    const found = this.loggedIn(username, channelId);
    if (!found.ok) return found;
    const agent = found.value;
    const leaving = channelId === undefined ? [...agent.channels.keys()] : [channelId];
    // Sessions the agent held go back to the head of their queues: no customer is dropped.
    for (const id of [...agent.held]) {
      const s = this.sessions.get(id);
      if (s && leaving.includes(s.channelId)) this.requeue(s, 'head');
    }
    for (const id of leaving) agent.channels.delete(id);
    this.route();
    return ok(this.agentView(agent));
  }

  async agentReady(username: string, channelId?: number): Promise<Outcome<AgentState>> {
    return this.setReady(username, channelId, true);
  }

  async agentNotReady(username: string, channelId?: number, _reason?: string): Promise<Outcome<AgentState>> {
    return this.setReady(username, channelId, false);
  }

  async agentState(username: string): Promise<Outcome<AgentState>> {
    const found = this.agentNamed(username);
    return found.ok ? ok(this.agentView(found.value)) : found;
  }

  private setReady(username: string, channelId: number | undefined, ready: boolean): Outcome<AgentState> {
    const found = this.loggedIn(username, channelId);
    if (!found.ok) return found;
    const agent = found.value;
    for (const [id, ch] of agent.channels) {
      if (channelId !== undefined && id !== channelId) continue;
      if (ready && !ch.ready) agent.idleSince = this.now();
      ch.ready = ready;
    }
    if (ready) this.route();
    return ok(this.agentView(agent));
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    for (const s of this.sessions.values()) clearTimeout(s.offerTimer);
  }

  /** Forget CLOSED sessions older than the retention. */
  sweep(now: number): number {
    const cutoff = now - this.config.closedRetentionHours * 3_600_000;
    let purged = 0;
    while (this.closedOrder.length > 0) {
      const s = this.sessions.get(this.closedOrder[0] as string);
      if (s && s.status === 'CLOSED' && (s.closedAt ?? 0) > cutoff) break;
      this.closedOrder.shift();
      if (s && s.status === 'CLOSED') {
        this.sessions.delete(s.id);
        purged++;
      }
    }
    return purged;
  }

  // ---------------------------------------------------------------- routing

  /**
   * Offer queued sessions, oldest first across services, each to the longest-idle agent who is
   * logged in and ready on the channel, skilled for the service, under capacity, and has not
   * declined it.
   */
  private route(): void {
    const services = [...this.channels.values()]
      .flatMap((c) => [...c.services.values()])
      .filter((s) => s.queue.size > 0 && s.enabled)
      .sort((a, b) => (a.queue.head()?.seq ?? 0) - (b.queue.head()?.seq ?? 0));
    for (const service of services) {
      const { channelId } = service;
      const candidates = [...this.agents.values()].filter((a) => this.canTakeMore(a, channelId, service.cfg.code, true));
      if (candidates.length === 0) continue;
      // Plan while walking the queue in place (no copy of a long queue), then apply. An agent
      // given an offer in this round goes behind those who got none yet, as offer() makes it.
      const planned = new Map<AgentRuntime, number>();
      const room = (a: AgentRuntime) => (a.channels.get(channelId)?.load ?? 0) + (planned.get(a) ?? 0) < capacityOn(a, channelId);
      const sooner = (a: AgentRuntime, b: AgentRuntime) => (planned.get(a) ?? 0) - (planned.get(b) ?? 0) || a.idleSince - b.idleSince;
      const offers: Array<[Session, AgentRuntime]> = [];
      for (const s of service.queue) {
        let best: AgentRuntime | undefined;
        for (const a of candidates) {
          if (room(a) && !s.rejectedBy.has(a.cfg.username) && (!best || sooner(a, best) < 0)) best = a;
        }
        if (best) {
          offers.push([s, best]);
          planned.set(best, (planned.get(best) ?? 0) + 1);
        }
        if (!candidates.some(room)) break;
      }
      for (const [s, agent] of offers) {
        service.queue.remove(s);
        this.offer(s, agent);
      }
    }
  }

  private canTakeMore(a: AgentRuntime, channelId: number, serviceCode: string, mustBeReady: boolean): boolean {
    const ch = a.channels.get(channelId);
    return !!ch && (ch.ready || !mustBeReady) && isAgent(a) && skilledFor(a, serviceCode) && ch.load < capacityOn(a, channelId);
  }

  /** BOOKED to the agent with an offer timer, or straight to ASSIGNED when the agent auto-answers. */
  private offer(s: Session, agent: AgentRuntime): void {
    s.status = 'BOOKED';
    s.agent = agent.cfg.username;
    const ch = agent.channels.get(s.channelId);
    if (ch) ch.load++;
    agent.held.add(s.id);
    agent.idleSince = this.now();
    if (agent.cfg.autoAnswer) return this.assign(s);
    s.offerTimer = setTimeout(() => this.offerTimedOut(s.id, agent.cfg.username), this.config.offerTimeoutSeconds * 1000).unref();
  }

  private offerTimedOut(id: string, username: string): void {
    const s = this.sessions.get(id);
    if (!s || s.status !== 'BOOKED' || s.agent !== username) return;
    const ch = this.agents.get(username)?.channels.get(s.channelId);
    if (ch) ch.ready = false; // nobody answered: the agent is away
    this.requeue(s, 'original');
    this.route();
  }

  private assign(s: Session): void {
    clearTimeout(s.offerTimer);
    delete s.offerTimer;
    s.status = 'ASSIGNED';
    s.assignedAt = this.now();
  }

  /** Take the session off its agent (load and timer), leaving the agent named on it. */
  private releaseAgent(s: Session): void {
    clearTimeout(s.offerTimer);
    delete s.offerTimer;
    const agent = s.agent !== undefined ? this.agents.get(s.agent) : undefined;
    agent?.held.delete(s.id);
    const ch = agent?.channels.get(s.channelId);
    if (agent && ch) {
      ch.load = Math.max(0, ch.load - 1);
      agent.idleSince = this.now();
    }
  }

  /** Back to QUEUED: at its original place, at the head, or at the tail of its (new) service queue. */
  private requeue(s: Session, where: 'original' | 'head' | 'tail'): void {
    this.releaseAgent(s);
    delete s.agent;
    delete s.assignedAt;
    if (where === 'head') s.seq = --this.headSeq;
    if (where === 'tail') s.seq = ++this.tailSeq;
    s.status = 'QUEUED';
    this.serviceOf(s).queue.insert(s);
  }

  // ---------------------------------------------------------------- lookups and views

  private open(id: string): Outcome<Session> {
    const s = this.sessions.get(id);
    if (!s) return unknownSession(id);
    if (s.status === 'CLOSED') return fail('INTERACTION_CLOSED', `session ${id} is already closed`);
    return ok(s);
  }

  /** An open session whose service still takes sessions (queueing and offering need both). */
  private openInEnabledService(id: string): Outcome<{ session: Session; service: ServiceRuntime }> {
    const found = this.open(id);
    if (!found.ok) return found;
    const service = this.serviceOf(found.value);
    if (!service.enabled) return fail('SERVICE_DISABLED', `service ${service.cfg.code} is not enabled on channel ${service.channelId}`);
    return ok({ session: found.value, service });
  }

  private serviceOf(s: Session): ServiceRuntime {
    const service = this.channels.get(s.channelId)?.services.get(s.serviceCode);
    if (!service) throw new Error(`session ${s.id} refers to unknown service ${s.serviceCode}`);
    return service;
  }

  private agentNamed(username: string): Outcome<AgentRuntime> {
    const agent = this.agents.get(username);
    if (!agent) return fail('UNKNOWN_AGENT', `no user ${username}`);
    if (!isAgent(agent)) return fail('NOT_AN_AGENT', `user ${username} has no agent profile`);
    return ok(agent);
  }

  private loggedIn(username: string, channelId?: number): Outcome<AgentRuntime> {
    const found = this.agentNamed(username);
    if (!found.ok) return found;
    const where = channelId === undefined ? found.value.channels.size > 0 : found.value.channels.has(channelId);
    if (!where) return fail('AGENT_NOT_LOGGED_IN', `${username} is not logged in${channelId === undefined ? '' : ` on channel ${channelId}`}`);
    return found;
  }

  /** The checks of a directed offer: a known agent, logged in on the channel, skilled, under capacity (ready or not). */
  private agentAbleToTake(username: string, s: Session): Outcome<AgentRuntime> {
    const found = this.loggedIn(username, s.channelId);
    if (!found.ok) return found;
    const agent = found.value;
    if (!skilledFor(agent, s.serviceCode)) return fail('AGENT_UNAVAILABLE', `${username} is not skilled for service ${s.serviceCode}`);
    if (!this.canTakeMore(agent, s.channelId, s.serviceCode, false)) {
      return fail('AGENT_UNAVAILABLE', `${username} has no free capacity on channel ${s.channelId}`);
    }
    return ok(agent);
  }

  private view(s: Session): Interaction {
    const service = this.serviceOf(s);
    const agent = s.agent !== undefined ? this.agents.get(s.agent) : undefined;
    const view: Interaction = {
      id: s.id,
      channelId: s.channelId,
      serviceCode: s.serviceCode,
      status: s.status,
      userData: { ...s.userData },
      createdAt: s.createdAt,
      ...(agent ? { agent: { username: agent.cfg.username, displayName: agent.displayName } } : {}),
      ...(s.data !== undefined ? { data: s.data } : {}),
      ...(s.description !== undefined ? { description: s.description } : {}),
      ...(s.contactId !== undefined ? { contactId: s.contactId } : {}),
      ...(s.contactValue !== undefined ? { contactValue: s.contactValue } : {}),
      ...(s.closedAt !== undefined ? { closedAt: s.closedAt } : {}),
    };
    if (s.status === 'QUEUED') {
      const position = service.queue.position(s) ?? service.queue.size;
      view.queuePosition = position;
      view.expectedWaitSeconds = Math.ceil(position / Math.max(1, this.staffedCapacity(service))) * Math.round(service.avgHandleSeconds);
    }
    if ((s.status === 'NEW' || s.status === 'QUEUED') && !isOpen(service.cfg, this.config.timeZone, this.now())) {
      view.serviceMessage = service.cfg.closedMessage;
    }
    return view;
  }

  /** Sessions the skilled agents logged in on the channel can hold at once. */
  private staffedCapacity(service: ServiceRuntime): number {
    let total = 0;
    for (const a of this.agents.values()) {
      if (a.channels.has(service.channelId) && isAgent(a) && skilledFor(a, service.cfg.code)) total += capacityOn(a, service.channelId);
    }
    return total;
  }

  private agentView(a: AgentRuntime): AgentState {
    return {
      username: a.cfg.username,
      displayName: a.displayName,
      loggedIn: a.channels.size > 0,
      channels: [...a.channels].map(([channelId, ch]) => ({ channelId, ready: ch.ready, load: ch.load, capacity: capacityOn(a, channelId) })),
    };
  }
}

const unknownSession = (id: string) => fail('UNKNOWN_INTERACTION', `no session ${id}`);
