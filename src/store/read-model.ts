import { LRUCache } from 'lru-cache';
import { QueueIndex } from './queue-index.js';
import { SqlTx, type Dialect, type Driver } from './sql.js';
import type { AgentChannelRecord, CachedReads, QueueMember, ServiceRecord, SessionRecord } from './store.js';

/**
 * What a status poll reads, kept in memory by the one process that writes the SQLite file
 * (EXCLUSIVE locking: nobody else can change it behind our back). A `checkSession` then reads no
 * row: the session from a bounded cache, its place from the queue index, the staff, the service and
 * the queue memberships from small per-table caches.
 *
 * The rules that keep it true:
 * - reads through it happen only between transactions (the store runs them in turn), or at once
 *   through `cached` while no batch is committing (SqliteStore.peek), so they see exactly what is
 *   committed and on disk;
 * - a transaction's writes drop what they touch from the caches at once (a rollback then only
 *   costs a re-read) and move sessions in the queue index with an undo log (a rollback undoes);
 * - sessions enter the cache when a read misses, not when written: copying every written session
 *   in cost a fifth more resident memory with 100k sessions (old-space churn) and helped no poll.
 * Everything cached is bounded: sessions by `maxSessions`, the rest by the configuration's size
 * (channels, services, logged-in agents).
 */

/** A copy a caller may change freely (the engine edits records before writing them back). */
const copySession = (s: SessionRecord): SessionRecord => ({ ...s, userData: { ...s.userData }, rejectedBy: [...s.rejectedBy] });

export class ReadModel {
  readonly sessions: LRUCache<string, SessionRecord>;
  queues: QueueIndex | undefined;
  readonly staff = new Map<number, readonly AgentChannelRecord[]>();
  readonly services = new Map<string, ServiceRecord | null>();
  readonly active = new Map<number, number>();
  members: readonly QueueMember[] | undefined;

  constructor(maxSessions: number) {
    this.sessions = new LRUCache({ max: maxSessions });
  }

  /** Build the queue index from the file, outside any transaction (so from committed rows only). */
  async ensureQueues(d: Driver): Promise<QueueIndex> {
    if (!this.queues) {
      const rows = await d.all(`SELECT id, channel_id, service_code, seq FROM sessions WHERE status = 'QUEUED'`);
      this.queues = new QueueIndex(
        rows.map((r) => ({ id: String(r.id), channelId: Number(r.channel_id), serviceCode: String(r.service_code), status: 'QUEUED', seq: Number(r.seq) })),
      );
    }
    return this.queues;
  }

  /**
   * Its answers as they stand, once the queue index is built (made once: a poll allocates no
   * reader). Whoever hands it out makes sure nothing uncommitted is in the model at that moment.
   */
  readonly cached: CachedReads = {
    session: (id) => {
      const s = this.sessions.get(id);
      return s && copySession(s);
    },
    queuePosition: (s) => (this.queues as QueueIndex).position(s.channelId, s.serviceCode, s.seq),
    channelAgents: (channelId) => this.staff.get(channelId),
    service: (channelId, code) => this.services.get(serviceKey(channelId, code)),
    queueMembers: () => this.members,
  };

  /** Forget every cached row (the seed rewrote tables, closed sessions were purged). */
  clear(): void {
    this.sessions.clear();
    this.staff.clear();
    this.services.clear();
    this.active.clear();
    this.members = undefined;
  }
}

const serviceKey = (channelId: number, code: string) => `${channelId}\u0000${code}`;

/** SQL, with the read model beside it. */
abstract class ModelTx extends SqlTx {
  constructor(
    d: Driver,
    dialect: Dialect,
    protected readonly model: ReadModel,
    /** Absent until the store's tables exist (during the migration): SQL counts then. */
    protected readonly queues: QueueIndex | undefined,
  ) {
    super(d, dialect);
  }
}

/**
 * A transaction of a batch: SQL as always, and every write of a cached table drops what it
 * touched; sessions also move in the queue index.
 */
/**
 * The SqlTx methods that change nothing a ReadingTx caches (reads, and writes of tables it does not
 * cache). Every other method must be overridden by WritingTx: test/read-model.test.ts holds the
 * two lists against SqlTx, so a new write cannot slip past the caches.
 */
export const UNCACHED_METHODS = new Set([
  'lockChannel',
  'activeSessions',
  'getSession',
  'queued',
  'queueHeads',
  'heldBy',
  'expiredOffers',
  'appendEvent',
  'eventsAfter',
  'recentEvents',
  'lastEventId',
  'counts',
  'sessionByVendorId',
  'openSessions',
  'latestSessions',
  'sessionEvents',
  'nextSeq',
  'getService',
  'agentChannels',
  'agentChannel',
  'channelAgents',
  'agentsOnPhone',
  'insertAgentSession',
  'getAgentSession',
  'updateAgentSession',
  'deleteAgentSession',
  'agentSessionsOf',
  'expiredAgentSessions',
  'queueMembers',
  'changeLog',
]);

export class WritingTx extends ModelTx {
  private wrote(s: SessionRecord): void {
    this.model.sessions.delete(s.id);
    this.queues?.record(s);
  }

  override async insertSession(s: SessionRecord): Promise<boolean> {
    const inserted = await super.insertSession(s);
    if (inserted) this.wrote(s);
    return inserted;
  }

  override async updateSession(s: SessionRecord): Promise<void> {
    await super.updateSession(s);
    this.wrote(s);
  }

  /** From the index: it holds this batch's own moves too, exactly what this transaction sees. */
  override queuePosition(s: SessionRecord): Promise<number> {
    return this.queues ? Promise.resolve(this.queues.position(s.channelId, s.serviceCode, s.seq)) : super.queuePosition(s);
  }

  override async purgeClosed(before: number): Promise<number> {
    const n = await super.purgeClosed(before);
    if (n > 0) this.model.sessions.clear();
    return n;
  }

  override async countActive(channelId: number, delta: 1 | -1): Promise<void> {
    this.model.active.delete(channelId);
    await super.countActive(channelId, delta);
  }

  override async claimLicense(channelId: number, license: number): Promise<boolean> {
    this.model.active.delete(channelId);
    return super.claimLicense(channelId, license);
  }

  override async updateService(s: ServiceRecord): Promise<void> {
    this.model.services.delete(serviceKey(s.channelId, s.code));
    await super.updateService(s);
  }

  override async upsertAgentChannel(a: AgentChannelRecord): Promise<void> {
    this.model.staff.delete(a.channelId);
    await super.upsertAgentChannel(a);
  }

  override async deleteAgentChannel(username: string, channelId: number): Promise<void> {
    this.model.staff.delete(channelId);
    await super.deleteAgentChannel(username, channelId);
  }

  override async setQueueMember(username: string, serviceCode: string, penalty: number): Promise<void> {
    this.model.members = undefined;
    await super.setQueueMember(username, serviceCode, penalty);
  }
}

/** A read between transactions: what is cached comes from memory, the rest from the file. */
export class ReadingTx extends ModelTx {
  override async getSession(id: string): Promise<SessionRecord | undefined> {
    const cached = this.model.sessions.get(id);
    if (cached) return copySession(cached);
    const s = await super.getSession(id);
    if (s) this.model.sessions.set(id, copySession(s));
    return s;
  }

  override queuePosition(s: SessionRecord): Promise<number> {
    return this.queues ? Promise.resolve(this.queues.position(s.channelId, s.serviceCode, s.seq)) : super.queuePosition(s);
  }

  override async activeSessions(channelId: number): Promise<number> {
    let n = this.model.active.get(channelId);
    if (n === undefined) this.model.active.set(channelId, (n = await super.activeSessions(channelId)));
    return n;
  }

  override async getService(channelId: number, code: string): Promise<ServiceRecord | undefined> {
    const key = serviceKey(channelId, code);
    let s = this.model.services.get(key);
    if (s === undefined) this.model.services.set(key, (s = Object.freeze((await super.getService(channelId, code)) ?? null)));
    return s ?? undefined;
  }

  override async channelAgents(channelId: number): Promise<AgentChannelRecord[]> {
    let rows = this.model.staff.get(channelId);
    if (!rows) this.model.staff.set(channelId, (rows = Object.freeze((await super.channelAgents(channelId)).map((r) => Object.freeze(r)))));
    return rows as AgentChannelRecord[];
  }

  override async queueMembers(): Promise<QueueMember[]> {
    this.model.members ??= Object.freeze((await super.queueMembers()).map((m) => Object.freeze(m)));
    return this.model.members as QueueMember[];
  }
}
