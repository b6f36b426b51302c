import { closeSync, fdatasync, mkdirSync, openSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { seed } from './seed.js';
import type { QueueIndex } from './queue-index.js';
import { ReadingTx, ReadModel, WritingTx } from './read-model.js';
import type { Dialect, Driver, Row } from './sql.js';
import { OutageWatch } from './outage.js';
import { errorCode, StoreError, type CachedReads, type Store, type StoreOptions, type Tx } from './store.js';

interface Pending {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Most transactions committed together. */
const MAX_BATCH = 256;

/** Sessions kept in the read model's cache unless the configuration says otherwise. */
export const DEFAULT_SESSION_CACHE = 20_000;

/**
 * Reads check that the file is still the one opened at most this often (a stat per poll cost more
 * than the poll's own work). A read answers what this process committed, which stays true; every
 * write batch still checks before it begins and after it commits.
 */
const READ_FILE_CHECK_MS = 200;

const syncData = promisify(fdatasync);

/** WAL pages written before SQLite checkpoints them into the database file (see the constructor). */
const WAL_CHECKPOINT_PAGES = 10_000;

/**
 * SQLite's page cache, in KiB (a negative cache_size). better-sqlite3 builds SQLite with 16 MiB,
 * all of it resident once the file is larger. Polls are answered by the read model in memory, and
 * the cache serves the writes' B-tree paths and the polls beyond store.sessionCache. startSession
 * measured the same even at 4 MiB; random polls over 100k sessions lost 5–11% at 4 MiB and measured
 * the same at 8 (4,229/4,447 req/s against 4,221–4,474 at 16), so a bridge holding 100k sessions
 * keeps 8 MiB less.
 */
const PAGE_CACHE_KIB = 8192;

/** What a caller is told, by SQLite's error code. */
function clientMessage(e: unknown): string {
  const code = errorCode(e);
  if (code === 'SQLITE_FULL') return 'the disk is full';
  if (/^SQLITE_(IOERR|READONLY|CANTOPEN|PERM)/.test(code)) return 'the database files cannot be written';
  if (e instanceof TypeError) return 'the database is closed'; // better-sqlite3 after close()
  return 'the database failed';
}

const sqliteError = (e: unknown, sql: string) => new StoreError(clientMessage(e), `SQLite: ${(e as Error).message} (${errorCode(e) || 'no code'}, in: ${sql})`);

/**
 * SQLite, one file, one process: the zero-set-up default. WAL journal, and each batch's WAL synced
 * (what synchronous=FULL does, but on the libuv pool: see syncWal) before its callers hear SUCCESS
 * and before anyone else can read it. One connection; transactions
 * take turns (SQLite has one writer anyway), which also keeps reads from seeing half a change.
 *
 * EXCLUSIVE locking: the process holds the file alone, and SQLite keeps the WAL index in its own
 * memory instead of a shared-memory map of a -shm file (a write fault on that map, e.g. once the
 * file is made immutable, kills the process with SIGBUS; a failed write() is only an error).
 * A second process on the same file is refused at start (busy) instead of sharing it.
 *
 * The file at the path must stay the one opened: deleted or replaced, every commit would go to
 * an unlinked inode and vanish at the next start. So each batch checks it before it begins and
 * after it commits, each read before it reads, and a change of file refuses them.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private turn: Promise<unknown> = Promise.resolve();
  private readonly driver: Driver;
  private readonly dialect: Dialect = {
    forUpdate: '',
    nextSeq: async (d, where) => {
      const [r] = await d.all(`UPDATE queue_sequences SET value = value ${where === 'tail' ? '+' : '-'} 1 WHERE name = ? RETURNING value`, [where]);
      return Number(r?.value);
    },
  };

  private readonly identity: { dev: number; ino: number };
  private readonly watch: OutageWatch;
  /** What a status poll reads, in memory (read-model.ts): this process is the file's only writer. */
  private readonly model: ReadModel;
  private fileCheckedAt = 0;
  private migrated = false;
  /** The WAL, opened once it exists: each batch is synced through it before it is acknowledged. */
  private walFd: number | undefined;
  /** A failed sync leaves the file's state unknown (fsyncgate): nothing is served until a restart recovers it. */
  private syncFailed: StoreError | undefined;

  constructor(
    readonly file: string,
    options: StoreOptions = {},
  ) {
    this.watch = new OutageWatch({ store: 'sqlite', where: file }, options.log);
    this.model = new ReadModel(options.sessionCache ?? DEFAULT_SESSION_CACHE);
    try {
      mkdirSync(dirname(file), { recursive: true });
      this.db = new Database(file);
      // Before the first access, or the shared-memory WAL index is made anyway.
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      // NORMAL syncs at checkpoints and when the WAL is reused; the commit's own sync (what FULL
      // adds) is done by flush() on the libuv pool, so the event loop serves requests meanwhile.
      this.db.pragma('synchronous = NORMAL');
      // A checkpoint runs inside the COMMIT that fills the WAL past this many pages, on the event
      // loop (copy into the database file, then fsync it). SQLite's 1,000 pages (4 MB) made
      // checkpoints 45% of the COMMIT time under a startSession load: the same hot index pages
      // were copied again every few hundred commits. At 10,000 (a WAL of up to 40 MB) each page
      // is copied once per many more changes (startSession 7,100 → 7,750 req/s, bench machine).
      this.db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
      const { dev, ino } = statSync(file);
      this.identity = { dev, ino };
    } catch (e) {
      throw new StoreError('the database cannot be opened', `cannot open the SQLite database ${file}: ${(e as Error).message}`);
    }
    const guard = <T>(sql: string, run: () => T): T => {
      try {
        return run();
      } catch (e) {
        throw sqliteError(e, sql.slice(0, 80));
      }
    };
    this.driver = {
      all: async (sql, params = []) =>
        guard(sql, () => {
          const st = this.statement(sql);
          return (st.reader ? st.all(...params) : (st.run(...params), [])) as Row[];
        }),
      run: async (sql, params = []) => guard(sql, () => this.statement(sql).run(...params).changes),
    };
  }

  /** Transactions and reads run one after another, in call order. */
  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.turn.then(fn);
    this.turn = result.catch(() => undefined);
    return result;
  }

  async migrate(s: Parameters<Store['migrate']>[0]): Promise<void> {
    await this.tx(async () => {
      await migrate(this.driver, 'sqlite');
      await seed(this.driver, s);
      this.model.clear(); // the seed wrote channels and services behind the caches' back
    });
    this.migrated = true; // the queue index can be built from the tables now
  }

  /**
   * Group commit: transactions asked for in the same event-loop turn run one after another as
   * savepoints of one SQLite transaction, and all are answered after its single COMMIT (one fsync
   * for the batch). Each still sees the ones before it and fails alone; none is acknowledged
   * before it is on disk.
   */
  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.watch.around(
      true,
      () =>
        new Promise<T>((resolve, reject) => {
          this.batch.push({ fn, resolve: resolve as (v: unknown) => void, reject });
          this.scheduleFlush();
        }),
    );
  }

  private readonly batch: Pending[] = [];
  private flushScheduled = false;
  /** A batch is between BEGIN and the end of its sync: the read model holds what is not yet on disk. */
  private committing = false;

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.inTurn(async () => {
        this.committing = true;
        try {
          await this.flush();
        } finally {
          this.committing = false;
        }
      });
    });
  }

  private async flush(): Promise<void> {
    const items = this.batch.splice(0, MAX_BATCH);
    if (this.batch.length > 0) this.scheduleFlush();
    if (items.length === 0) return;
    const fail = (e: unknown) => items.forEach((i) => i.reject(e));
    let queues: QueueIndex | undefined;
    try {
      if (this.syncFailed) throw this.syncFailed;
      this.checkFile();
      // Before BEGIN, so from committed rows only; once the tables exist.
      queues = this.migrated ? await this.model.ensureQueues(this.driver) : undefined;
      this.exec('BEGIN IMMEDIATE');
    } catch (e) {
      return fail(e);
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const batchMark = queues?.mark() ?? 0;
    for (const item of items) {
      const mark = queues?.mark() ?? 0;
      try {
        this.exec('SAVEPOINT tx');
        const tx = new WritingTx(this.driver, this.dialect, this.model, queues);
        const value = await item.fn(tx);
        this.exec('RELEASE tx');
        outcomes.push({ ok: true, value });
      } catch (error) {
        queues?.undo(mark);
        try {
          this.exec('ROLLBACK TO tx');
          this.exec('RELEASE tx');
        } catch {
          // the connection itself failed: COMMIT below reports it to everyone
        }
        outcomes.push({ ok: false, error });
      }
    }
    try {
      this.exec('COMMIT');
    } catch (e) {
      this.rollback();
      queues?.undo(batchMark);
      return fail(e);
    }
    queues?.keep();
    try {
      await this.syncWal();
      this.checkFile(); // removed while it committed: on disk, but not where the next start looks
    } catch (e) {
      return fail(e);
    }
    outcomes.forEach((o, k) => (o.ok ? items[k]?.resolve(o.value) : items[k]?.reject(o.error)));
  }

  /**
   * What synchronous=FULL does at each commit (fdatasync of the WAL), off the event loop. The
   * batch's turn lasts until it returns, so no read and no later batch sees the batch before it is
   * on disk. If it fails, the kernel may have dropped the pages: like PostgreSQL, stop serving
   * rather than answer from a state that a restart would not find.
   */
  private async syncWal(): Promise<void> {
    this.walFd ??= openSync(`${this.file}-wal`, 'r');
    try {
      await syncData(this.walFd);
    } catch (e) {
      this.syncFailed = new StoreError(
        'the database files cannot be written',
        `SQLite: syncing ${this.file}-wal failed: ${(e as Error).message}; restart to recover`,
      );
      throw this.syncFailed;
    }
  }

  /** Every statement is prepared once, on first use. */
  private statement(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  /**
   * One of the store's own fixed statements (transaction control), prepared once: a batch runs a
   * SAVEPOINT and a RELEASE per transaction, and `db.exec` parses its text anew each time.
   * `once`: text that varies, run unprepared (a cache of it would only grow).
   */
  private exec(sql: string, once = false): void {
    try {
      if (once) this.db.exec(sql);
      else this.statement(sql).run();
    } catch (e) {
      throw sqliteError(e, sql);
    }
  }

  /** The file at the path is still the one opened (not deleted, not replaced). */
  private checkFile(): void {
    let now: { dev: number; ino: number } | undefined;
    try {
      now = statSync(this.file);
    } catch {
      // gone (ENOENT) or out of reach: either way not where the next start would find it
    }
    if (now?.dev !== this.identity.dev || now.ino !== this.identity.ino) {
      throw new StoreError('the database file is gone', `SQLite: ${this.file} is no longer the file this process opened (${now ? 'replaced' : 'deleted'})`);
    }
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.watch.around(false, () =>
      this.inTurn(async () => {
        // The read model would still answer: a closed store answers nothing.
        if (!this.db.open) throw new StoreError('the database is closed', `SQLite: ${this.file} was closed`);
        if (this.syncFailed) throw this.syncFailed;
        if (Date.now() - this.fileCheckedAt >= READ_FILE_CHECK_MS) {
          this.checkFile();
          this.fileCheckedAt = Date.now();
        }
        const queues = this.migrated ? await this.model.ensureQueues(this.driver) : undefined;
        return fn(new ReadingTx(this.driver, this.dialect, this.model, queues));
      }),
    );
  }

  /**
   * The read model, when it holds only what is on disk (no batch is committing) and a read would
   * answer (open, no failed sync, no outage, the file checked recently enough; when the check is
   * due, `read` makes it). Reads and batches take turns, so a read that goes ahead of a waiting
   * batch sees what a read in turn would: the last acknowledged state.
   */
  peek(): CachedReads | undefined {
    if (this.committing || !this.model.queues || !this.db.open || this.syncFailed || this.watch.failing) return undefined;
    return Date.now() - this.fileCheckedAt < READ_FILE_CHECK_MS ? this.model.cached : undefined;
  }

  /**
   * Open, and the file is the one opened; while writes have been failing, a probe write must
   * commit too (a full disk or an immutable file shows only when writing).
   */
  ping(): Promise<boolean> {
    if (!this.db.open) return Promise.resolve(false); // closed on purpose (shutdown): no outage to log
    return this.watch
      .around(true, () =>
        this.inTurn(async () => {
          if (this.syncFailed) throw this.syncFailed;
          this.checkFile();
          if (this.watch.failing) this.probeWrite();
        }),
      )
      .then(
        () => true,
        () => false,
      );
  }

  /**
   * A write that must reach the disk: SQLite skips rewriting a row with the same content, so the
   * header's user_version (otherwise unused) is changed instead.
   */
  private probeWrite(): void {
    this.exec('BEGIN IMMEDIATE');
    try {
      const version = Number(this.db.pragma('user_version', { simple: true }));
      this.exec(`PRAGMA user_version = ${(version + 1) % 1_000_000}`, true);
      this.exec('COMMIT');
    } finally {
      this.rollback();
    }
  }

  /** Undo what a failed commit left open; failing here too changes nothing for the caller. */
  private rollback(): void {
    try {
      if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
    } catch {
      // SQLite rolls back by itself on the I/O errors that make ROLLBACK fail
    }
  }

  async close(): Promise<void> {
    while (this.batch.length > 0 || this.flushScheduled) await new Promise((r) => setImmediate(r));
    await this.turn;
    if (this.db.open) this.db.close();
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
  }
}
