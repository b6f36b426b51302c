import { ChangeLog } from './changes.js';
import { sessionColumns, sessionValues, SqlTx, type Dialect, type Driver } from './sql.js';
import type { SessionRecord, SessionStatusChange, Tx } from './store.js';

/**
 * Group commit for PostgreSQL's lockless transactions (TxOptions.lockless: startSession's).
 *
 * Transactions asked for together run one after another in one transaction on one connection and
 * are all answered after its one COMMIT (one WAL flush for the batch). The next batch starts when
 * the running one has run its transactions and goes on to count and commit, and takes everything
 * asked for meanwhile: its statements overlap that commit, on a connection of its own (up to
 * IN_FLIGHT batches are in flight), and batches stay as large as the load makes them.
 *
 * The license counts are the one row every startSession of a channel writes, and a row lock is
 * held to the commit. So while a channel is far from its license, claims are only added up while
 * the batch runs and written at its end, one conditional UPDATE per channel: the lock is held for
 * that UPDATE and the COMMIT alone, and the batches of other connections and processes run their
 * statements meanwhile. The fast run also writes the batch's new sessions in one statement and
 * has no savepoints: a batch costs five round trips (BEGIN, service, sessions, count, COMMIT),
 * however many it holds.
 *
 * When a transaction fails, an id is taken or the claims do not fit (other processes claimed too),
 * the fast run is rolled back and the batch run carefully, as the SQLite store does: each
 * transaction in a savepoint, failing alone, every statement at once, each claim counted under the
 * lock, which is exact.
 */

/** Most transactions committed together. */
const MAX_BATCH = 256;
/** Batches running at once, each holding one connection of the pool (leaving one to the others). */
const IN_FLIGHT = 3;

interface Pending {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Claims of one channel: how many, and the smallest license they were made under. */
type Claims = Map<number, { n: number; license: number }>;

function addClaim(to: Claims, channelId: number, n: number, license: number): void {
  const c = to.get(channelId);
  to.set(channelId, { n: (c?.n ?? 0) + n, license: Math.min(c?.license ?? license, license) });
}

/** A claim is deferred while the count, with the batch's claims, stays under this share of the license. */
const DEFERRED_SHARE = 0.9;

/**
 * The change rows of a fast batch, held until its license claims are written: numbered then, under
 * the channels' row locks, so that on each channel `seq` order stays commit order (changes.ts) and
 * a channel's event stream never passes a change that commits later.
 */
class DeferredChangeLog extends ChangeLog {
  constructor(
    d: Driver,
    dialect: Dialect,
    private readonly pending: Attempt['changes'],
  ) {
    super(d, dialect);
  }

  override append(change: SessionStatusChange): Promise<number> {
    this.pending.push(change);
    return Promise.resolve(0); // its seq is known at the batch's end; nothing in a lockless transaction reads it
  }
}

class BatchTx extends SqlTx {
  constructor(
    private readonly driver: Driver,
    private readonly sqlDialect: Dialect,
    private readonly batch: Attempt,
    private readonly lastCount: Map<number, number>,
  ) {
    super(driver, sqlDialect);
  }

  override changeLog(): ChangeLog {
    return this.batch.fast ? new DeferredChangeLog(this.driver, this.sqlDialect, this.batch.changes) : super.changeLog();
  }

  override lockChannel(): Promise<void> {
    return Promise.reject(new Error('a lockless transaction asked for a channel lock'));
  }

  /** Read once per batch: it is one transaction, and lockless transactions change no service. */
  override getService(channelId: number, code: string): ReturnType<Tx['getService']> {
    const key = `${channelId}/${code}`;
    let row = this.batch.services.get(key);
    if (!row) this.batch.services.set(key, (row = super.getService(channelId, code)));
    return row;
  }

  /** The fast run writes the batch's sessions in one statement at its end; an id taken by then undoes the run. */
  override async insertSession(s: SessionRecord): Promise<boolean> {
    if (!this.batch.fast) return super.insertSession(s);
    if (this.batch.inserts.has(s.id)) return false;
    this.batch.inserts.set(s.id, s);
    return true;
  }

  override async claimLicense(channelId: number, license: number): Promise<boolean> {
    const seen = this.lastCount.get(channelId);
    if (this.batch.fast && seen !== undefined && seen + (this.batch.claims.get(channelId)?.n ?? 0) + 1 <= license * DEFERRED_SHARE) {
      addClaim(this.batch.claims, channelId, 1, license);
      return true;
    }
    const [r] = await this.driver.all('UPDATE channels SET active = active + 1 WHERE id = ? AND active < ? RETURNING active', [channelId, license]);
    this.lastCount.set(channelId, r ? Number(r.active) : license);
    return r !== undefined;
  }
}

/**
 * One run of a batch: fast (no savepoints; claims and new sessions written at the end, any
 * failure undoes it all) or careful (savepoints, every statement at once).
 */
interface Attempt {
  fast: boolean;
  claims: Claims;
  inserts: Map<string, SessionRecord>;
  services: Map<string, ReturnType<Tx['getService']>>;
  /** Change rows (and their webhook outbox rows), written after the claims. */
  changes: SessionStatusChange[];
}

const newAttempt = (fast: boolean): Attempt => ({ fast, claims: new Map(), inserts: new Map(), services: new Map(), changes: [] });

/** A batch's change rows in one statement, numbered in the batch's order. */
const INSERT_CHANGES = `INSERT INTO session_changes (session_id, channel_id, service_code, status, username, custom_message, at)
  SELECT session_id, channel_id, service_code, status, username, custom_message, at FROM json_populate_recordset(NULL::session_changes, ?)`;

async function writeChanges(d: Driver, dialect: Dialect, changes: Attempt['changes']): Promise<void> {
  if (changes.length === 0) return;
  // One statement when each session has one change; else one by one, so that a session's changes are numbered in order.
  if (new Set(changes.map((change) => change.sessionId)).size < changes.length) {
    for (const change of changes) await new ChangeLog(d, dialect).append(change);
    return;
  }
  const rows = changes.map((c) => ({
    session_id: c.sessionId,
    channel_id: c.channelId,
    service_code: c.serviceId,
    status: c.status,
    username: c.username ?? null,
    custom_message: c.customMessage,
    at: c.at,
  }));
  await d.run(INSERT_CHANGES, [JSON.stringify(rows)]);
}

/** Many sessions in one statement: the rows travel as one JSON array, typed by the table's own row type. */
const INSERT_SESSIONS = `INSERT INTO sessions (id, ${sessionColumns.join(', ')}) SELECT id, ${sessionColumns.join(', ')}
  FROM json_populate_recordset(NULL::sessions, ?) ON CONFLICT (id) DO NOTHING RETURNING id`;

function sessionRows(list: Iterable<SessionRecord>): string {
  return JSON.stringify(
    [...list].map((s) => {
      const values = sessionValues(s);
      return Object.fromEntries([['id', s.id], ...sessionColumns.map((c, k) => [c, values[k]])]);
    }),
  );
}

export class GroupCommit {
  private readonly queue: Pending[] = [];
  private running = 0;
  /** The batch running its transactions: the next one starts when it reaches its end, and takes all that came meanwhile. */
  private working: Pending[] | undefined;
  private scheduled = false;
  private readonly idle: Array<() => void> = [];
  private readonly inFlight: number;
  /** Open sessions per channel as this process last counted them (a hint: the UPDATEs decide). */
  private readonly lastCount = new Map<number, number>();

  constructor(
    /** Run `work` on a connection of its own (released afterwards, discarded when broken). */
    private readonly withConnection: <T>(work: (d: Driver) => Promise<T>) => Promise<T>,
    private readonly dialect: Dialect,
    poolSize: number,
  ) {
    this.inFlight = Math.max(1, Math.min(IN_FLIGHT, poolSize - 1));
  }

  submit<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or running. */
  drained(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  /** In the next event-loop turn, so the transactions asked for in this one go together. */
  private schedule(): void {
    if (this.scheduled || this.working || this.running >= this.inFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const items = this.queue.splice(0, MAX_BATCH);
      this.running++;
      this.working = items;
      void this.run(items).finally(() => {
        this.running--;
        this.reachedEnd(items);
        if (this.queue.length === 0 && this.running === 0) this.idle.splice(0).forEach((r) => r());
      });
    });
  }

  private reachedEnd(items: Pending[]): void {
    if (this.working === items) this.working = undefined;
    this.schedule();
  }

  private async run(items: Pending[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      outcomes = await this.withConnection(async (d) => (await this.fast(d, items)) ?? this.careful(d, items));
    } catch (error) {
      items.forEach((i) => i.reject(error));
      return;
    }
    outcomes.forEach((o, k) => (o.ok ? items[k]?.resolve(o.value) : items[k]?.reject(o.error)));
  }

  /**
   * All in one transaction without savepoints, claims added up and written at the end. Undefined
   * when a transaction failed or the claims did not fit: rolled back, for careful() to run again.
   */
  private async fast(d: Driver, items: Pending[]): Promise<Outcome[] | undefined> {
    const undo = async () => {
      await d.run('ROLLBACK');
      return undefined;
    };
    const batch = newAttempt(true);
    const outcomes: Outcome[] = [];
    await d.run('BEGIN');
    for (const item of items) {
      try {
        outcomes.push({ ok: true, value: await item.fn(new BatchTx(d, this.dialect, batch, this.lastCount)) });
      } catch {
        return undo();
      }
    }
    if (batch.inserts.size > 0 && (await d.all(INSERT_SESSIONS, [sessionRows(batch.inserts.values())])).length < batch.inserts.size) return undo();
    this.reachedEnd(items);
    // In channel order, as every transaction locks channels: batches never wait on each other in a circle.
    for (const [channelId, c] of [...batch.claims].sort(([a], [b]) => a - b)) {
      const [r] = await d.all('UPDATE channels SET active = active + ? WHERE id = ? AND active + ? <= ? RETURNING active', [c.n, channelId, c.n, c.license]);
      this.lastCount.set(channelId, r ? Number(r.active) : c.license);
      if (!r) return undo();
    }
    await writeChanges(d, this.dialect, batch.changes);
    await d.run('COMMIT');
    return outcomes;
  }

  /** Each transaction in a savepoint of its own, failing alone; each claim counted at once, under the lock. */
  private async careful(d: Driver, items: Pending[]): Promise<Outcome[]> {
    const batch = newAttempt(false);
    const outcomes: Outcome[] = [];
    // One round trip per transaction for the savepoints: ROLLBACK TO keeps the savepoint, RELEASE
    // and the next SAVEPOINT go in one message.
    await d.run('BEGIN; SAVEPOINT item');
    for (const [k, item] of items.entries()) {
      try {
        const value = await item.fn(new BatchTx(d, this.dialect, batch, this.lastCount));
        if (k < items.length - 1) await d.run('RELEASE SAVEPOINT item; SAVEPOINT item');
        outcomes.push({ ok: true, value });
      } catch (error) {
        await d.run('ROLLBACK TO SAVEPOINT item'); // failing here, the connection is gone: all fail
        batch.services.clear(); // a read of the rolled-back part may have failed
        outcomes.push({ ok: false, error });
      }
    }
    await d.run('COMMIT');
    return outcomes;
  }
}
