import type { InteractionStatus } from '../contract/index.js';
import { customMessage } from '../bridge/messages.js';
import { interactionOf } from '../backends/interaction-view.js';
import type { SessionRecord, SessionStatusChange, Store, Tx } from '../store/index.js';
import { SqlTx } from '../store/sql.js';
import type { ChangeFeed } from './feed.js';

export interface RecordingOptions {
  feed: ChangeFeed;
  now: () => number;
  /** The name checkSession's customMessage gives an agent. */
  displayName: (username: string) => string;
}

/**
 * The one place where session changes become pushed changes: a store whose transactions record,
 * whenever a session is created or its status changes, a change row, in the same transaction
 * (the event streams and the webhooks read it from there). Whatever writes the session (the engine's
 * lifecycle, routing, timers; a vendor backend's event) goes through insertSession / updateSession,
 * so nothing needs to remember to push.
 *
 * The status before an update is the one this transaction read (every writer reads a session
 * before writing it); a session updated unread is read first.
 */
export function recordingChanges(store: Store, options: RecordingOptions): Store {
  return {
    kind: store.kind,
    migrate: (seed) => store.migrate(seed),
    read: (fn) => store.read(fn),
    // Reads record nothing: the read model's answers pass straight through.
    ...(store.peek ? { peek: store.peek.bind(store) } : {}),
    ping: () => store.ping(),
    close: () => store.close(),
    async tx(fn, txOptions) {
      const channels = new Set<number>();
      const result = await store.tx((tx) => fn(recordingTx(tx, options, (channelId) => channels.add(channelId))), txOptions);
      if (channels.size > 0) options.feed.wake(channels); // committed: streams and the dispatcher look now, at these channels
      return result;
    },
  };
}

function recordingTx(tx: Tx, options: RecordingOptions, recorded: (channelId: number) => void): Tx {
  // The forwarders below give it the rest of Tx.
  return new RecordingTx(tx, options, recorded) as unknown as Tx;
}

/**
 * The store's transaction with the session writes recorded. A class, one instance per
 * transaction: every transaction's object has the same shape, so the engine's calls on it stay
 * monomorphic. (An `Object.create(tx)` per transaction made each store transaction a prototype:
 * V8 reshapes an object when it becomes one, and every inherited call missed its cache.)
 */
class RecordingTx {
  private readonly statuses = new Map<string, InteractionStatus>();

  constructor(
    readonly tx: Tx,
    private readonly options: RecordingOptions,
    private readonly recorded: (channelId: number) => void,
  ) {}

  private seen<T extends SessionRecord | undefined>(s: T): T {
    if (s) this.statuses.set(s.id, s.status);
    return s;
  }

  private async record(s: SessionRecord): Promise<void> {
    this.statuses.set(s.id, s.status);
    const agent = s.agent === undefined ? undefined : { username: s.agent, displayName: this.options.displayName(s.agent) };
    const change: SessionStatusChange = {
      sessionId: s.id,
      channelId: s.channelId,
      serviceId: s.serviceCode,
      status: s.status,
      username: s.agent,
      customMessage: customMessage(interactionOf(s, agent)),
      at: this.options.now(),
    };
    await this.tx.changeLog().append(change);
    this.recorded(s.channelId);
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return this.seen(await this.tx.getSession(id));
  }
  async sessionByVendorId(id: string): Promise<SessionRecord | undefined> {
    return this.seen(await this.tx.sessionByVendorId(id));
  }
  async queued(...args: Parameters<Tx['queued']>): Promise<SessionRecord[]> {
    return (await this.tx.queued(...args)).map((s) => this.seen(s));
  }
  async heldBy(...args: Parameters<Tx['heldBy']>): Promise<SessionRecord[]> {
    return (await this.tx.heldBy(...args)).map((s) => this.seen(s));
  }
  async expiredOffers(...args: Parameters<Tx['expiredOffers']>): Promise<SessionRecord[]> {
    return (await this.tx.expiredOffers(...args)).map((s) => this.seen(s));
  }
  async openSessions(...args: Parameters<Tx['openSessions']>): Promise<SessionRecord[]> {
    return (await this.tx.openSessions(...args)).map((s) => this.seen(s));
  }

  async insertSession(s: SessionRecord): Promise<boolean> {
    const inserted = await this.tx.insertSession(s);
    if (inserted) await this.record(s);
    return inserted;
  }

  async updateSession(s: SessionRecord): Promise<void> {
    const before = this.statuses.has(s.id) ? this.statuses.get(s.id) : (await this.tx.getSession(s.id))?.status;
    await this.tx.updateSession(s);
    if (before !== s.status) await this.record(s);
  }

  /** The change feed is purged with the closed sessions it describes. */
  async purgeClosed(before: number): Promise<number> {
    const purged = await this.tx.purgeClosed(before);
    await this.tx.changeLog().purge(before);
    return purged;
  }
}

// Every other method is the store's own, passed on: one forwarder per SqlTx method (every Tx is
// one), made once.
for (const name of Object.getOwnPropertyNames(SqlTx.prototype)) {
  if (name === 'constructor' || Object.hasOwn(RecordingTx.prototype, name)) continue;
  Object.defineProperty(RecordingTx.prototype, name, {
    value(this: RecordingTx, ...args: unknown[]) {
      return (this.tx as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
    },
  });
}
