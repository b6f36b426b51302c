import type { VendorBackendConfig } from '../../config/index.js';
import type { ServiceState } from '../../contract/index.js';
import type { Logger } from '../../log/logger.js';
import type { ChangeFeed } from '../../push/index.js';
import { fail, ok, platformFailure, type Outcome } from '../../reasons/index.js';
import type { SessionRecord, Store, Tx } from '../../store/index.js';
import type { AgentState, Backend, CloseParty, Interaction, NewInteraction } from '../backend.js';
import { storeGuard } from '../../store/index.js';
import { interactionOf, newSessionRecord } from '../interaction-view.js';
import type { QueueState, VendorClient, VendorStatus } from './client.js';
import { Resilience } from './resilience.js';

type ChannelMap = VendorBackendConfig['channels'][number];

/** How long an event for an interaction id not yet recorded (its submit reply still on the way) is kept. */
const PENDING_MS = 30_000;

/**
 * A contact center on a vendor (Genesys GWS, Huawei CC-Gateway, XiVO XUC) behind the MCC. The
 * bridge keeps each session in its own store with the vendor's interaction id beside it, follows
 * the vendor's events to keep statuses true, re-reads open sessions when the link comes back and
 * every `resyncSeconds`, and puts every vendor call under a deadline, a retry of reads and a
 * circuit breaker. The wire protocol is the client's business.
 */
export class RemoteBackend implements Backend {
  readonly kind: string;
  private readonly resilience: Resilience;
  private readonly channels = new Map<number, ChannelMap>();
  private readonly agentIds = new Map<string, string>(); // username → vendor id
  private readonly usernames = new Map<string, string>(); // vendor id → username
  private readonly pending = new Map<string, { status: VendorStatus; at: number; order: number }>();
  /** Vendor news in arrival order; per vendor id the newest applied, so that older news looked at again never overwrites it. */
  private arrivals = 0;
  private readonly applied = new Map<string, { order: number; at: number }>();
  private linkUp = false;
  private timer: NodeJS.Timeout | undefined;
  private syncing = false;

  constructor(
    private readonly config: VendorBackendConfig,
    /** The bridge's own record of the sessions (the operator's page reads it). */
    readonly store: Store,
    private readonly client: VendorClient,
    private readonly logger?: Logger,
    /** Every session change the store records (the event streams, the webhooks). */
    readonly changes?: ChangeFeed,
  ) {
    this.kind = config.kind;
    this.resilience = new Resilience({
      deadlineMs: config.deadlineMs,
      breakerFailures: config.breaker.failures,
      breakerResetMs: config.breaker.resetSeconds * 1000,
    });
    this.resilience.onStateChange((state) => this.logger?.warn('vendor circuit', { backend: this.kind, state }));
    for (const c of config.channels) this.channels.set(c.id, c);
    for (const a of config.agents) {
      this.agentIds.set(a.username, a.vendorId);
      this.usernames.set(a.vendorId, a.username);
    }
  }

  async start(): Promise<void> {
    await this.store.migrate({
      channels: this.config.channels.map((c) => ({ id: c.id, services: c.services.map((s) => ({ code: s.code, enabled: s.enabled, outOfService: false })) })),
      avgHandleSeconds: 300,
    });
    this.client.start({
      up: () => {
        const was = this.linkUp;
        this.linkUp = true;
        if (!was) {
          this.logger?.info('vendor link up', { backend: this.kind });
          void this.resync();
        }
      },
      down: (why) => {
        if (this.linkUp) this.logger?.warn('vendor link down', { backend: this.kind, why });
        this.linkUp = false;
      },
      event: (vendorId, status) =>
        void this.apply(vendorId, status).catch((e: unknown) => this.logger?.warn('vendor event not applied', { backend: this.kind, vendorId, error: e })),
    });
    this.timer = setInterval(() => void this.resync(), this.config.resyncSeconds * 1000).unref();
  }

  counts(): Promise<{ sessions: Record<string, number>; agents: Record<string, number> }> {
    return this.store.read((tx) => tx.counts());
  }

  get circuitOpen(): boolean {
    return this.resilience.open;
  }

  onVendorFailure(listener: (reason: string) => void): void {
    this.resilience.onFailure(listener);
  }

  async ready(): Promise<boolean> {
    return this.linkUp && !this.resilience.open && (await this.store.ping());
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.client.stop();
    this.resilience.shutdown();
    await this.store.close();
  }

  // ---------------------------------------------------------------- services

  async serviceStates(channelId: number, codes: readonly string[]): Promise<Outcome<Record<string, ServiceState>>> {
    const channel = this.channels.get(channelId);
    const states: Record<string, ServiceState> = {};
    const asked = new Map<string, Promise<Outcome<QueueState>>>();
    for (const code of codes) {
      const service = channel?.services.find((s) => s.code === code);
      if (!channel || !channel.enabled) states[code] = 'CHANNEL_NOT_ENABLED';
      else if (!service) states[code] = 'UNKNOWN_SERVICE';
      else if (!service.enabled) states[code] = 'SERVICE_NOT_ENABLED';
      else if (!asked.has(service.queue))
        asked.set(
          service.queue,
          this.resilience.call('read', (signal) => this.client.queueState(service.queue, channel.media, signal)),
        );
    }
    for (const code of codes) {
      if (states[code]) continue;
      const service = channel?.services.find((s) => s.code === code);
      const q = await asked.get(service?.queue ?? '');
      if (!q) continue;
      if (!q.ok) {
        // A vendor that cannot be reached cannot serve: the service is out of service. A slow or
        // garbled answer is reported as such.
        if (q.reason === 'UNAVAILABLE') states[code] = 'OUT_OF_SERVICE';
        else return q;
      } else {
        states[code] = !q.value.open ? 'OVERTIME' : q.value.logged === 0 ? 'OUT_OF_SERVICE' : 'ACTIVE';
      }
    }
    return ok(states);
  }

  // ---------------------------------------------------------------- interactions

  createInteraction(spec: NewInteraction): Promise<Outcome<Interaction>> {
    const channel = this.channels.get(spec.channelId);
    if (!channel) return Promise.resolve(fail('UNKNOWN_CHANNEL', `channel ${spec.channelId} is not mapped to the ${this.kind} contact center`));
    if (!channel.enabled) return Promise.resolve(fail('CHANNEL_DISABLED', `channel ${spec.channelId} is not enabled`));
    const service = channel.services.find((s) => s.code === spec.serviceCode);
    if (!service) return Promise.resolve(fail('UNKNOWN_SERVICE', `service ${spec.serviceCode} is not mapped on channel ${spec.channelId}`));
    if (!service.enabled) return Promise.resolve(fail('SERVICE_DISABLED', `service ${spec.serviceCode} is not enabled on channel ${spec.channelId}`));
    return storeGuard(() =>
      this.store.tx(async (tx) => {
        const s = newSessionRecord(spec, spec.id ?? crypto.randomUUID(), Date.now());
        if (!(await tx.insertSession(s))) return fail('DUPLICATE_INTERACTION', `session ${s.id} already exists`);
        return ok(view(s));
      }),
    );
  }

  async getInteraction(id: string): Promise<Outcome<Interaction>> {
    const found = await this.read(id);
    if (!found.ok) return found;
    const s = found.value;
    // While the vendor is unreachable nobody can say where an open session stands.
    if (s.status !== 'CLOSED' && s.vendorId !== undefined && !this.linkUp) {
      return fail('UNAVAILABLE', `the ${this.kind} contact center is unreachable: the status of session ${id} is unknown`);
    }
    return ok(view(s));
  }

  async placeInQueue(id: string): Promise<Outcome<Interaction>> {
    const found = await this.read(id);
    if (!found.ok) return found;
    const s = found.value;
    if (s.status === 'CLOSED') return fail('INTERACTION_CLOSED', `session ${id} is already closed`);
    if (s.status !== 'NEW') return ok(view(s));
    const submitted = await this.submit(s, true);
    if (!submitted.ok) return submitted;
    return this.record(id, (r) => {
      r.vendorId = submitted.value;
      if (r.status === 'NEW') r.status = 'QUEUED';
    });
  }

  async offerTo(id: string, username: string): Promise<Outcome<Interaction>> {
    const agentId = this.agentIds.get(username);
    if (agentId === undefined) return fail('UNKNOWN_AGENT', `${username} has no id on the ${this.kind} contact center`);
    const found = await this.read(id);
    if (!found.ok) return found;
    let s = found.value;
    if (s.status === 'CLOSED') return fail('INTERACTION_CLOSED', `session ${id} is already closed`);
    if ((s.status === 'BOOKED' || s.status === 'ASSIGNED') && s.agent === username) return ok(view(s));
    if (s.vendorId === undefined) {
      const submitted = await this.submit(s, false);
      if (!submitted.ok) return submitted;
      const saved = await this.record(id, (r) => (r.vendorId = submitted.value));
      if (!saved.ok) return saved;
      s = { ...s, vendorId: submitted.value };
    }
    const vendorId = s.vendorId as string;
    const offered = await this.resilience.call('write', (signal) => this.client.offer(vendorId, agentId, signal));
    if (!offered.ok) return offered;
    return this.record(id, (r) => {
      if (r.status === 'NEW' || r.status === 'QUEUED') {
        r.status = 'BOOKED';
        r.agent = username;
      }
    });
  }

  async updateUserData(id: string, data: Record<string, string>): Promise<Outcome<Interaction>> {
    const found = await this.read(id);
    if (!found.ok) return found;
    const s = found.value;
    if (s.status === 'CLOSED') return fail('INTERACTION_CLOSED', `session ${id} is already closed`);
    // The vendor first: if it refuses, nothing changes here either.
    if (s.vendorId !== undefined) {
      const vendorId = s.vendorId;
      const sent = await this.resilience.call('write', (signal) => this.client.setData(vendorId, data, signal));
      if (!sent.ok) return sent;
    }
    return this.record(id, (r) => Object.assign(r.userData, data));
  }

  async complete(id: string, _by: CloseParty): Promise<Outcome<Interaction>> {
    const found = await this.read(id);
    if (!found.ok) return found;
    const s = found.value;
    if (s.status === 'CLOSED') return ok(view(s));
    if (s.vendorId !== undefined) {
      const vendorId = s.vendorId;
      const closed = await this.resilience.call('write', (signal) => this.client.close(vendorId, signal));
      // Already gone on the vendor is closed all the same.
      if (!closed.ok && closed.reason !== 'UNKNOWN_INTERACTION') return closed;
    }
    return this.record(id, (r) => {
      r.status = 'CLOSED';
      r.closedAt = Date.now();
    });
  }

  // Agents work on the vendor's own desktops (no AgentDesk here): the MCC only logs them out.
  async agentLogout(username: string, channelId?: number): Promise<Outcome<AgentState>> {
    const agentId = this.agentIds.get(username);
    if (agentId === undefined) return fail('UNKNOWN_AGENT', `${username} has no id on the ${this.kind} contact center`);
    const channel = channelId === undefined ? this.config.channels[0] : this.channels.get(channelId);
    if (!channel) return fail('AGENT_NOT_LOGGED_IN', `channel ${channelId} is not mapped to the ${this.kind} contact center`);
    const out = await this.resilience.call('write', (signal) => this.client.logoutAgent(agentId, channel.media, signal));
    if (!out.ok) return out;
    return ok({ username, displayName: username, loggedIn: false, channels: [], autoAnswer: false, autoIdle: true });
  }

  // ---------------------------------------------------------------- following the vendor

  /** A status the vendor reported (event or re-read) becomes the session's. */
  private async apply(vendorId: string, st: VendorStatus, retry = true, order = ++this.arrivals): Promise<void> {
    const applied = await this.store.tx(async (tx) => {
      const seen = await tx.sessionByVendorId(vendorId);
      if (!seen) return false;
      if ((this.applied.get(vendorId)?.order ?? 0) > order) return true; // newer news is in already
      await tx.lockChannel(seen.channelId);
      const s = (await tx.getSession(seen.id)) as SessionRecord;
      this.merge(s, st);
      await tx.updateSession(s);
      this.appliedNews(vendorId, order);
      return true;
    });
    if (applied || !retry) return;
    // The submit reply is still on its way: keep the news for the moment its id is recorded, then
    // look once more, in case it was recorded while this event was being looked up.
    this.pending.set(vendorId, { status: st, at: Date.now(), order });
    for (const [k, v] of this.pending) if (Date.now() - v.at > PENDING_MS) this.pending.delete(k);
    const known = await this.store.read((tx) => tx.sessionByVendorId(vendorId));
    if (known && this.pending.get(vendorId)?.status === st) {
      this.pending.delete(vendorId);
      await this.apply(vendorId, st, false, order);
    }
  }

  /** Remember the newest news applied to a vendor id (for as long as older news may still be looked at again). */
  private appliedNews(vendorId: string, order: number): void {
    this.applied.set(vendorId, { order: Math.max(order, this.applied.get(vendorId)?.order ?? 0), at: Date.now() });
    if (this.applied.size > 10_000) for (const [k, v] of this.applied) if (Date.now() - v.at > PENDING_MS) this.applied.delete(k);
  }

  private merge(s: SessionRecord, st: VendorStatus): void {
    if (s.status === 'CLOSED') return; // closed stays closed, whatever arrives late
    s.syncedAt = Date.now();
    if (st.userData) Object.assign(s.userData, st.userData);
    if (st.status === 'NEW') return;
    s.status = st.status;
    if (st.status === 'BOOKED' || st.status === 'ASSIGNED') {
      s.agent = st.agentId !== undefined ? (this.usernames.get(st.agentId) ?? st.agentId) : s.agent;
      if (st.status === 'ASSIGNED') s.assignedAt ??= Date.now();
    } else if (st.status === 'QUEUED') {
      s.agent = undefined;
    } else if (st.status === 'CLOSED') {
      s.closedAt = Date.now();
    }
  }

  /** Re-read every open session from the vendor (at link-up and periodically). */
  private async resync(): Promise<void> {
    if (this.syncing || !this.linkUp) return;
    this.syncing = true;
    try {
      const open = await this.store.read((tx) => tx.openSessions(1000));
      for (const s of open) {
        if (s.vendorId === undefined) continue;
        const vendorId = s.vendorId;
        const st = await this.resilience.call('read', (signal) => this.client.status(vendorId, signal));
        if (st.ok) await this.apply(vendorId, st.value);
        else if (st.reason === 'UNKNOWN_INTERACTION') await this.apply(vendorId, { status: 'CLOSED' });
        else if (platformFailure(st.reason)) break; // the vendor is unwell: try again at the next link-up or interval
      }
    } catch (e) {
      this.logger?.warn('vendor resync failed', { backend: this.kind, error: e });
    } finally {
      this.syncing = false;
    }
  }

  // ---------------------------------------------------------------- helpers

  private submit(s: SessionRecord, enqueue: boolean): Promise<Outcome<string>> {
    const channel = this.channels.get(s.channelId) as ChannelMap;
    const service = channel.services.find((x) => x.code === s.serviceCode);
    if (!service) return Promise.resolve(fail('UNKNOWN_SERVICE', `service ${s.serviceCode} is not mapped on channel ${s.channelId}`));
    const userData: Record<string, string> = { ...s.userData, mccSessionId: s.id };
    if (s.data !== undefined) userData.mccData = s.data;
    return this.resilience.call('write', (signal) =>
      this.client.submit(
        { sessionId: s.id, queue: service.queue, media: channel.media, userData, contact: s.contactValue, description: s.description, enqueue },
        signal,
      ),
    );
  }

  private read(id: string): Promise<Outcome<SessionRecord>> {
    return storeGuard(() =>
      this.store.read(async (tx) => {
        const s = await tx.getSession(id);
        return s ? ok(s) : fail('UNKNOWN_INTERACTION', `no session ${id}`);
      }),
    );
  }

  /** Change a session under its channel lock, then apply news that arrived before its vendor id was known. */
  private async record(id: string, change: (s: SessionRecord) => void): Promise<Outcome<Interaction>> {
    const out = await storeGuard(() =>
      this.store.tx(async (tx: Tx) => {
        const seen = await tx.getSession(id);
        if (!seen) return fail('UNKNOWN_INTERACTION', `no session ${id}`);
        await tx.lockChannel(seen.channelId);
        const s = (await tx.getSession(id)) as SessionRecord;
        const had = s.vendorId;
        change(s);
        // News that came before this session's vendor id was recorded (only at that moment).
        const early = had === undefined && s.vendorId !== undefined ? this.pending.get(s.vendorId) : undefined;
        if (early && s.vendorId !== undefined) {
          this.pending.delete(s.vendorId);
          this.merge(s, early.status);
          this.appliedNews(s.vendorId, early.order);
        }
        await tx.updateSession(s);
        return ok(view(s));
      }),
    );
    return out;
  }
}

/** Vendor agents are known by their MCC username only. */
function view(s: SessionRecord): Interaction {
  return interactionOf(s, s.agent !== undefined ? { username: s.agent, displayName: s.agent } : undefined);
}
