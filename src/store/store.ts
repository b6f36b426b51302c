import type { InteractionStatus } from '../contract/index.js';
import type { ChangeLog } from './changes.js';
import type { StoreLog } from './outage.js';

/**
 * Durable state of the embedded contact center, behind one interface: SQLite for one process
 * (the default, zero set-up), PostgreSQL for several processes sharing one database.
 *
 * The rule that makes several processes behave as one contact center: every change runs in a
 * transaction that first locks the row of the channel it touches (`lockChannel`). License counts,
 * agent loads and routing of a channel are therefore decided by one transaction at a time,
 * cluster-wide, while reads never wait. Creating a session is the exception (TxOptions.lockless):
 * a NEW session is no routing's or agent's business, and its license is one conditional count.
 */

export interface SessionRecord {
  id: string;
  channelId: number;
  serviceCode: string;
  status: InteractionStatus;
  agent?: string | undefined;
  data?: string | undefined;
  description?: string | undefined;
  contactId?: string | undefined;
  contactValue?: string | undefined;
  userData: Record<string, string>;
  /** Queue order: appended sessions count up, sessions sent back to the head count down. */
  seq: number;
  rejectedBy: string[];
  createdAt: number;
  assignedAt?: number | undefined;
  /** When an unanswered offer (BOOKED) goes back to the queue; any process may fire it. */
  offerExpiresAt?: number | undefined;
  closedAt?: number | undefined;
  /** Parked by its agent (Genesys PlaceInWorkbin): still ASSIGNED to them, off their load. */
  workbin?: string | undefined;
  /** Vendor backends: the interaction id on the vendor, and when its status was last confirmed there. */
  vendorId?: string | undefined;
  syncedAt?: number | undefined;
}

export interface AgentChannelRecord {
  username: string;
  channelId: number;
  ready: boolean;
  /** Sessions BOOKED or ASSIGNED to the agent on this channel. */
  load: number;
  /** Longest idle is offered first: reset when ready, offered or freed. */
  idleSince: number;
  /** Why not ready: 'wrap-up', 'rest…', 'busy…', 'no answer' or a pause label; absent when ready. */
  reason?: string | undefined;
  /** Set at login by an agent face; absent = the roster's autoAnswer. */
  autoAnswer?: boolean | undefined;
  /** False: after a session ends the agent goes to wrap-up instead of staying ready. */
  autoIdle: boolean;
  /** The phone line the agent logged in on (XiVO, Huawei). */
  phone?: string | undefined;
}

/** An agent's connection through an agent face: a Huawei Guid, a Genesys JSESSIONID, a XUC token. */
export interface AgentSessionRecord {
  token: string;
  face: string;
  username: string;
  createdAt: number;
  expiresAt: number;
  /** When it expires unused, the agent is signed out (Huawei: no polling for 2 minutes). */
  logoutOnExpiry: boolean;
  /** Last agent event delivered through it. */
  cursor: number;
  lastSent?: string | undefined;
}

/**
 * What happened to an agent, in order: the agent faces turn these into their own events (Huawei
 * polling, Genesys CometD, XiVO WebSocket). Written in the same transaction as the change, so an
 * event exists exactly when its change does, whichever process made it.
 */
export type AgentEventKind =
  | 'LOGGED_IN'
  | 'LOGGED_OUT'
  | 'READY'
  | 'NOT_READY'
  | 'OFFERED'
  | 'ASSIGNED'
  | 'RELEASED'
  | 'CLOSED'
  /** The user data of a held session changed; a session was parked in a workbin. */
  | 'UPDATED'
  | 'PARKED';
export interface AgentEvent {
  /** Increasing: a face remembers the last one it delivered. */
  id: number;
  username: string;
  kind: AgentEventKind;
  channelId?: number | undefined;
  sessionId?: string | undefined;
  at: number;
  /** Why (a not-ready reason, why a session was released, who closed it). */
  reason?: string | undefined;
}

/**
 * A session changed (created, or its status changed), as pushed to integrators (webhooks, SSE):
 * the fields of checkSession, and `seq`, increasing, which orders the changes of a channel.
 */
export interface SessionChange {
  seq: number;
  sessionId: string;
  channelId: number;
  serviceId: string;
  status: InteractionStatus;
  /** The agent holding the session, as checkSession says it. */
  username?: string | undefined;
  customMessage: string;
  at: number;
}
export type SessionStatusChange = Omit<SessionChange, 'seq'>;

/** A change due to one webhook subscriber (changes.ts). */
export interface OutboxEntry {
  subscriber: string;
  /** Failed attempts so far. */
  attempts: number;
  queuedAt: number;
  change: SessionChange;
}

/** A change read from the feed that goes into push_outbox: not delivered (`attempts` 1), or waiting behind its session's (0). */
export interface QueuedChange {
  subscriber: string;
  change: SessionChange;
  attempts: number;
  nextAt: number;
  error?: string;
}

/** A queued session as routing weighs it. */
export interface QueueHead {
  id: string;
  seq: number;
  serviceCode: string;
  rejectedBy: string[];
}

export interface ServiceRecord {
  channelId: number;
  code: string;
  enabled: boolean;
  outOfService: boolean;
  /** Moving average of ASSIGNED → CLOSED, seconds: the base of the expected wait. */
  avgHandleSeconds: number;
}

export interface Tx {
  /** Serialise every change to this channel's state with other transactions, in any process. */
  lockChannel(channelId: number): Promise<void>;
  /** Sessions not CLOSED on the channel (what its license counts). */
  activeSessions(channelId: number): Promise<number>;
  /** A session of the channel opened (+1) or closed (-1); under the channel lock. */
  countActive(channelId: number, delta: 1 | -1): Promise<void>;
  /**
   * A session of the channel opens: counted (true) while fewer than `license` are, else nothing
   * changes (false). Exact cluster-wide without lockChannel: the count's row is locked to the commit.
   */
  claimLicense(channelId: number, license: number): Promise<boolean>;

  getSession(id: string): Promise<SessionRecord | undefined>;
  /** False when the id exists already (closed ones included). */
  insertSession(s: SessionRecord): Promise<boolean>;
  updateSession(s: SessionRecord): Promise<void>;
  /** QUEUED sessions of a service in queue order, at most `limit`. */
  queued(channelId: number, serviceCode: string, limit: number): Promise<SessionRecord[]>;
  /** The same, as routing needs them only (no user data to decode): a routing pass reads many, offers few. */
  queueHeads(channelId: number, serviceCode: string, limit: number): Promise<QueueHead[]>;
  /** 1-based place of a queued session in its service queue. */
  queuePosition(s: SessionRecord): Promise<number>;
  /** Sessions BOOKED or ASSIGNED to an agent, on one channel or all. */
  heldBy(username: string, channelId?: number): Promise<SessionRecord[]>;
  /** BOOKED sessions whose offer expired (candidates: re-check after locking their channel). */
  expiredOffers(now: number, limit: number): Promise<SessionRecord[]>;
  /** Delete CLOSED sessions closed before `before`, and agent events older than it; how many sessions. */
  purgeClosed(before: number): Promise<number>;
  appendEvent(e: Omit<AgentEvent, 'id'>): Promise<void>;
  /** An agent's events after `afterId`, oldest first. */
  eventsAfter(username: string, afterId: number, limit: number): Promise<AgentEvent[]>;
  /** Everyone's events after `afterId`, oldest first (the push faces' feed). */
  recentEvents(afterId: number, limit: number): Promise<AgentEvent[]>;
  /** The newest event id, of one agent or of all; 0 when none. */
  lastEventId(username?: string): Promise<number>;
  /** Sessions not CLOSED, oldest first. */
  openSessions(limit: number): Promise<SessionRecord[]>;
  /** The newest sessions, closed ones included, newest first (the operator's page). */
  latestSessions(limit: number): Promise<SessionRecord[]>;
  /** The agent events of one session, oldest first (its history on the operator's page). */
  sessionEvents(sessionId: string, limit: number): Promise<AgentEvent[]>;
  sessionByVendorId(vendorId: string): Promise<SessionRecord | undefined>;
  /** Sessions by status, and agent channel logins by ready / not ready (for the metrics). */
  counts(): Promise<{ sessions: Record<string, number>; agents: Record<string, number> }>;
  nextSeq(where: 'tail' | 'head'): Promise<number>;

  getService(channelId: number, code: string): Promise<ServiceRecord | undefined>;
  updateService(s: ServiceRecord): Promise<void>;

  agentChannels(username: string): Promise<AgentChannelRecord[]>;
  /** The agent's row on one channel, if logged in there. */
  agentChannel(username: string, channelId: number): Promise<AgentChannelRecord | undefined>;
  /** Agents logged in on a channel. */
  channelAgents(channelId: number): Promise<AgentChannelRecord[]>;
  upsertAgentChannel(a: AgentChannelRecord): Promise<void>;
  deleteAgentChannel(username: string, channelId: number): Promise<void>;
  /** Channel rows of agents logged in on this phone line. */
  agentsOnPhone(phone: string): Promise<AgentChannelRecord[]>;

  insertAgentSession(s: AgentSessionRecord): Promise<void>;
  getAgentSession(token: string): Promise<AgentSessionRecord | undefined>;
  updateAgentSession(s: AgentSessionRecord): Promise<void>;
  deleteAgentSession(token: string): Promise<void>;
  agentSessionsOf(username: string, face?: string): Promise<AgentSessionRecord[]>;
  expiredAgentSessions(now: number, limit: number): Promise<AgentSessionRecord[]>;

  /** The change feed of sessions and the webhook outbox, in this transaction. */
  changeLog(): ChangeLog;

  /** Runtime queue membership changes (XiVO setAgentQueue / removeAgentFromQueue). */
  queueMembers(): Promise<QueueMember[]>;
  setQueueMember(username: string, serviceCode: string, penalty: number): Promise<void>;
}

/** A runtime change of queue membership: a negative penalty removes the agent from the queue. */
export interface QueueMember {
  username: string;
  serviceCode: string;
  penalty: number;
}

/**
 * The read model's answers, synchronous: undefined where it holds nothing (the caller then reads
 * through `Store.read`, which fills it), null where it knows there is no row.
 */
export interface CachedReads {
  /** A copy the caller may change. */
  session(id: string): SessionRecord | undefined;
  /** 1-based place among the QUEUED sessions of its service (0 if it is not queued). */
  queuePosition(s: SessionRecord): number;
  channelAgents(channelId: number): readonly AgentChannelRecord[] | undefined;
  service(channelId: number, code: string): ServiceRecord | null | undefined;
  queueMembers(): readonly QueueMember[] | undefined;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Create or upgrade the schema, and seed the channel and service rows of the configuration. */
  migrate(seed: {
    channels: Array<{ id: number; services: Array<{ code: string; enabled: boolean; outOfService: boolean }> }>;
    avgHandleSeconds: number;
  }): Promise<void>;
  /** Run `fn` in one transaction; committed (durably) before the promise resolves, rolled back if it throws. */
  tx<T>(fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  /** A read outside any transaction (sees everything committed). */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * What `read` would see, from memory and at once, when the store can say it now: nothing is being
   * committed, the store is healthy and its read model is built; otherwise undefined (use `read`).
   * Only a store that keeps a read model offers it (SQLite); its answers are never older than the
   * last acknowledged write.
   */
  peek?(): CachedReads | undefined;
  /**
   * Can the store serve writes right now (what /readyz reports)? SQLite: the file at its path is
   * still the one opened and, after a failed write, a probe write commits; PostgreSQL: the
   * server answers and is not read-only.
   */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The store could not be used (unreachable, disk full, file gone, constraint broken): callers answer
 * DATABASE_ERROR. The message is the underlying cause, for the log and the operator (never a
 * password); `clientMessage` is what a caller is told: plain words, no SQL, no server details.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly clientMessage: string,
    cause: string,
  ) {
    super(cause);
  }
}

export interface TxOptions {
  /**
   * `fn` takes no lock (no lockChannel) and changes no existing row: it reads, inserts rows of its
   * own and claims licenses. PostgreSQL then commits many such transactions together and takes
   * the license rows' locks only at the end (pg-batch.ts); its inserts may be written at the end
   * too (`fn` does not read back what it inserts), and it may run `fn` a second time after rolling
   * it back, so `fn` acts only through its `tx`.
   */
  lockless?: boolean;
}

/** How a store reports what happens to it. */
export interface StoreOptions {
  /** Told once when an outage begins (its cause) and once when it ends. */
  log?: StoreLog | undefined;
  /** SQLite: sessions the read model keeps in memory (the least recently read go first). */
  sessionCache?: number | undefined;
}

/** A driver error's `code` (SQLITE_FULL, a PostgreSQL SQLSTATE), or '' when it has none. */
export function errorCode(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}
