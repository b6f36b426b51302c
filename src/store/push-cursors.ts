import type { Dialect, Driver, Row } from './sql.js';
import type { SessionChange } from './store.js';

/**
 * Each webhook subscriber's place on each channel's change feed (the feed is the outbox: its rows
 * are written in the transaction of the change, see changes.ts). Every change of the channel up
 * to `seq` is handled for the subscriber: delivered, or in push_outbox (a retry, or a change that
 * waits behind one of its session). A process leases the next changes (`lease_until`), delivers
 * them, and advances `seq` in the transaction that queues what was not delivered; a process that
 * dies leaves its lease to run out, and the changes are read again (at least once).
 *
 * This relies on the feed's order: within a channel, seq order is commit order (changes.ts), so a
 * cursor never passes a change that commits later.
 */
export interface FeedRange {
  /** The cursor's seq: changes after it are read. */
  from: number;
  changes: SessionChange[];
  /** Sessions of these changes that have entries in push_outbox: their changes wait behind those. */
  held: Set<string>;
}

export class PushCursors {
  constructor(
    private readonly d: Driver,
    private readonly dialect: Dialect,
    private readonly toChange: (r: Row) => SessionChange,
    private readonly changeColumns: string,
  ) {}

  /**
   * A cursor for each of the subscriber's channels, at the channel's newest change, unless it has
   * one: a new subscriber gets the changes from now on. Cursors of subscribers not named, and of
   * channels a subscriber no longer covers, are dropped (every process of a cluster lists the same
   * webhooks).
   */
  async start(subscribers: ReadonlyArray<{ name: string; channels: readonly number[] }>): Promise<void> {
    const names = subscribers.map((s) => s.name);
    await this.d.run(`DELETE FROM push_cursors WHERE subscriber NOT IN (${names.map(() => '?').join(', ') || "''"})`, names);
    for (const s of subscribers) {
      // A channel taken out of its filter: that cursor goes too (it would keep the channel's feed from the purge).
      await this.d.run(`DELETE FROM push_cursors WHERE subscriber = ? AND channel_id NOT IN (${s.channels.map(() => '?').join(', ') || '0'})`, [
        s.name,
        ...s.channels,
      ]);
      for (const channelId of s.channels) {
        await this.d.run(
          // Typed: PostgreSQL does not infer a select list's parameters from the target columns.
          'INSERT INTO push_cursors (subscriber, channel_id, seq) SELECT CAST(? AS TEXT), CAST(? AS INTEGER), COALESCE(MAX(seq), 0) FROM session_changes WHERE channel_id = ? ON CONFLICT DO NOTHING',
          [s.name, channelId, channelId],
        );
      }
    }
  }

  /**
   * Up to `limit` changes after the cursor, if no process holds it (a held one is skipped, on
   * PostgreSQL also while another claim has it locked); nothing is leased yet (lease()).
   */
  async read(subscriber: string, channelId: number, now: number, limit: number): Promise<FeedRange | undefined> {
    const lock = this.dialect.forUpdate ? ' FOR UPDATE SKIP LOCKED' : '';
    const [cursor] = await this.d.all(`SELECT seq FROM push_cursors WHERE subscriber = ? AND channel_id = ? AND lease_until <= ?${lock}`, [
      subscriber,
      channelId,
      now,
    ]);
    if (!cursor) return undefined;
    const from = Number(cursor.seq);
    const changes = (
      await this.d.all(`SELECT ${this.changeColumns} FROM session_changes c WHERE c.channel_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?`, [
        channelId,
        from,
        limit,
      ])
    ).map(this.toChange);
    const held = new Set<string>();
    const sessions = [...new Set(changes.map((c) => c.sessionId))];
    for (let i = 0; i < sessions.length; i += 500) {
      const some = sessions.slice(i, i + 500);
      const rows = await this.d.all(`SELECT DISTINCT session_id FROM push_outbox WHERE subscriber = ? AND session_id IN (${some.map(() => '?').join(', ')})`, [
        subscriber,
        ...some,
      ]);
      for (const r of rows) held.add(String(r.session_id));
    }
    return { from, changes, held };
  }

  /** The cursor is this process's until `leaseUntil`. */
  async lease(subscriber: string, channelId: number, leaseUntil: number): Promise<void> {
    await this.d.run('UPDATE push_cursors SET lease_until = ? WHERE subscriber = ? AND channel_id = ?', [leaseUntil, subscriber, channelId]);
  }

  /** Handled through `through` (delivered, or queued in push_outbox in this transaction); free again. */
  async advance(subscriber: string, channelId: number, through: number): Promise<void> {
    // Never back: a lease that ran out may have let another process advance it further.
    await this.d.run('UPDATE push_cursors SET seq = CASE WHEN seq < ? THEN ? ELSE seq END, lease_until = 0 WHERE subscriber = ? AND channel_id = ?', [
      through,
      through,
      subscriber,
      channelId,
    ]);
  }

  /** Let go without advancing (the dispatcher stops): the changes are read again at once, by any process. */
  async release(subscriber: string, channelId: number): Promise<void> {
    await this.d.run('UPDATE push_cursors SET lease_until = 0 WHERE subscriber = ? AND channel_id = ?', [subscriber, channelId]);
  }
}
