import type { Dialect, Driver, Row } from './sql.js';
import { PushCursors } from './push-cursors.js';
import type { SessionStatusChange, OutboxEntry, QueuedChange, SessionChange } from './store.js';

/**
 * The change feed of sessions and the webhook outbox, in SQL shared by SQLite and PostgreSQL.
 * A change row is written in the transaction of the change itself, so a change is pushed exactly
 * when it happened, whichever process made it and whatever crashes after. The feed is the
 * webhooks' outbox: each subscriber reads it from its cursor (push-cursors.ts), and push_outbox
 * holds only what could not be delivered at once (retries, and the changes of a session behind one).
 *
 * Order: on one channel, changes are numbered under the channel's lock (store.ts) and committed
 * before the lock is released, so within a channel `seq` order is commit order. startSession takes
 * no lock until its license claim: on PostgreSQL its batch numbers its changes after the claims
 * (pg-batch.ts), on SQLite transactions run one at a time anyway. Every feed read
 * is one session's or one channel's, and never skips a change that commits later.
 */

const toChange = (r: Row): SessionChange => ({
  seq: Number(r.seq),
  sessionId: String(r.session_id),
  channelId: Number(r.channel_id),
  serviceId: String(r.service_code),
  status: String(r.status) as SessionChange['status'],
  ...(r.username === null || r.username === undefined ? {} : { username: String(r.username) }),
  customMessage: String(r.custom_message ?? ''),
  at: Number(r.at),
});

const changeColumns = 'c.seq, c.session_id, c.channel_id, c.service_code, c.status, c.username, c.custom_message, c.at';

export class ChangeLog {
  /** The subscribers' places on the feed. */
  readonly cursors: PushCursors;

  constructor(
    private readonly d: Driver,
    private readonly dialect: Dialect,
  ) {
    this.cursors = new PushCursors(d, dialect, toChange, changeColumns);
  }

  /** Record a change; its seq. */
  async append(c: SessionStatusChange): Promise<number> {
    const [r] = await this.d.all(
      'INSERT INTO session_changes (session_id, channel_id, service_code, status, username, custom_message, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq',
      [c.sessionId, c.channelId, c.serviceId, c.status, c.username ?? null, c.customMessage, c.at],
    );
    return Number(r?.seq);
  }

  /**
   * Into the outbox: changes read from the feed that were not delivered (`attempts` 1, due again
   * at `nextAt`) or wait behind an earlier change of their session (`attempts` 0). Already there
   * (a range read twice): left as it is.
   */
  async queue(entries: readonly QueuedChange[]): Promise<void> {
    for (const e of entries) {
      await this.d.run(
        'INSERT INTO push_outbox (subscriber, seq, session_id, created_at, next_at, attempts, last_error) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        [e.subscriber, e.change.seq, e.change.sessionId, e.change.at, e.nextAt, e.attempts, e.error ?? null],
      );
    }
  }

  /** Changes after `afterSeq` of one session, or of a channel (some of its services, or all), oldest first. */
  async after(afterSeq: number, of: { sessionId: string } | { channelId: number; serviceIds: readonly string[] }, limit: number): Promise<SessionChange[]> {
    if ('sessionId' in of) {
      return (
        await this.d.all(`SELECT ${changeColumns} FROM session_changes c WHERE c.session_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?`, [
          of.sessionId,
          afterSeq,
          limit,
        ])
      ).map(toChange);
    }
    const services = of.serviceIds.length > 0 ? ` AND c.service_code IN (${of.serviceIds.map(() => '?').join(', ')})` : '';
    const rows = await this.d.all(`SELECT ${changeColumns} FROM session_changes c WHERE c.channel_id = ? AND c.seq > ?${services} ORDER BY c.seq LIMIT ?`, [
      of.channelId,
      afterSeq,
      ...of.serviceIds,
      limit,
    ]);
    return rows.map(toChange);
  }

  /** The newest seq, 0 when none. */
  async last(): Promise<number> {
    const [r] = await this.d.all('SELECT MAX(seq) AS seq FROM session_changes');
    return Number(r?.seq ?? 0);
  }

  /**
   * Take up to `limit` due entries of one subscriber for delivery, leased until `leaseUntil`: only
   * the oldest pending entry of each session (a later change waits for the earlier one to be
   * delivered or dead-lettered), in the order of the push_outbox_due index. On PostgreSQL, rows
   * another process is claiming are skipped.
   *
   * The lease is the entry's next_at moved to the lease's end: a claimed entry is not due (for any
   * process) until its process stores the outcome or dies and the lease runs out. It also leaves
   * the front of the due index, where a separate lease column left every entry under way to be
   * stepped over by each later claim (157 µs a claim with 1,600 entries under way). lease_until is
   * still honoured for rows an older version leased.
   */
  async claim(subscriber: string, now: number, leaseUntil: number, limit: number): Promise<OutboxEntry[]> {
    // FOR UPDATE is empty on SQLite, which has one writer (one process) anyway.
    const lock = this.dialect.forUpdate ? ' FOR UPDATE OF o SKIP LOCKED' : '';
    const rows = await this.d.all(
      `SELECT o.subscriber, o.attempts, o.created_at AS queued_at, ${changeColumns} FROM push_outbox o JOIN session_changes c ON c.seq = o.seq
       WHERE o.subscriber = ? AND o.next_at <= ? AND o.lease_until <= ?
         AND NOT EXISTS (SELECT 1 FROM push_outbox p WHERE p.subscriber = o.subscriber AND p.session_id = o.session_id AND p.seq < o.seq)
       ORDER BY o.next_at, o.seq LIMIT ?${lock}`,
      [subscriber, now, now, limit],
    );
    await this.bySeqs(
      'UPDATE push_outbox SET next_at = ? WHERE subscriber = ? AND seq IN',
      [leaseUntil, subscriber],
      rows.map((r) => Number(r.seq)),
    );
    return rows.map((r) => ({ subscriber: String(r.subscriber), attempts: Number(r.attempts), queuedAt: Number(r.queued_at), change: toChange(r) }));
  }

  /** The subscribers with entries in the outbox: one index seek each, not a scan of the entries. */
  async subscribers(): Promise<string[]> {
    const names: string[] = [];
    for (;;) {
      const [r] = await this.d.all('SELECT subscriber FROM push_outbox WHERE subscriber > ? ORDER BY subscriber LIMIT 1', [names.at(-1) ?? '']);
      if (!r) return names;
      names.push(String(r.subscriber));
    }
  }

  /** Taken by the receiver: out of the outbox. */
  async delivered(subscriber: string, seqs: readonly number[]): Promise<void> {
    await this.bySeqs('DELETE FROM push_outbox WHERE subscriber = ? AND seq IN', [subscriber], seqs);
  }

  /**
   * One statement per up to 512 entries (`... seq IN (?, ...)`), not one per entry. The list is
   * padded to a power of two with its last seq (the same set), so a store that keeps its prepared
   * statements by text keeps ten of them, not one per length.
   */
  private async bySeqs(sql: string, params: readonly unknown[], seqs: readonly number[]): Promise<void> {
    for (let i = 0; i < seqs.length; i += 512) {
      const some = seqs.slice(i, i + 512);
      const size = 2 ** Math.ceil(Math.log2(some.length));
      const padded = [...some, ...Array<number>(size - some.length).fill(some.at(-1) as number)];
      await this.d.run(`${sql} (${padded.map(() => '?').join(', ')})`, [...params, ...padded]);
    }
  }

  /** Claimed but not tried (the dispatcher stopped): due again now, for any process. */
  async release(subscriber: string, seqs: readonly number[], now: number): Promise<void> {
    await this.bySeqs('UPDATE push_outbox SET next_at = ? WHERE subscriber = ? AND seq IN', [now, subscriber], seqs);
  }

  /** A failed attempt: the entry is due again at `nextAt`. */
  async retry(subscriber: string, seq: number, nextAt: number, error: string): Promise<void> {
    await this.d.run('UPDATE push_outbox SET attempts = attempts + 1, next_at = ?, lease_until = 0, last_error = ? WHERE subscriber = ? AND seq = ?', [
      nextAt,
      error,
      subscriber,
      seq,
    ]);
  }

  /** Given up: out of the outbox (the session's later changes go on), kept with its payload for the operator. */
  async deadLetter(e: OutboxEntry, now: number, error: string): Promise<void> {
    await this.d.run('INSERT INTO push_dead_letters (subscriber, seq, body, attempts, last_error, dead_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
      e.subscriber,
      e.change.seq,
      JSON.stringify(e.change),
      e.attempts + 1,
      error,
      now,
    ]);
    await this.delivered(e.subscriber, [e.change.seq]);
  }

  /** With the closed sessions: changes older than `before` that no outbox entry and no subscriber's cursor still needs, and dead letters. */
  async purge(before: number): Promise<void> {
    await this.d.run(
      `DELETE FROM session_changes WHERE at < ? AND NOT EXISTS (SELECT 1 FROM push_outbox o WHERE o.seq = session_changes.seq)
         AND NOT EXISTS (SELECT 1 FROM push_cursors k WHERE k.channel_id = session_changes.channel_id AND k.seq < session_changes.seq)`,
      [before],
    );
    await this.d.run('DELETE FROM push_dead_letters WHERE dead_at < ?', [before]);
  }
}
