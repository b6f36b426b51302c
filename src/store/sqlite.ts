import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { seed } from './seed.js';
import { SqlTx, type Dialect, type Driver, type Row } from './sql.js';
import { StoreError, type Store, type Tx } from './store.js';

interface Pending {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Most transactions committed together. */
const MAX_BATCH = 256;

/**
 * SQLite, one file, one process: the zero-set-up default. WAL journal with synchronous=FULL, so a
 * committed transaction is on disk before its caller hears SUCCESS. One connection; transactions
 * take turns (SQLite has one writer anyway), which also keeps reads from seeing half a change.
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

  constructor(readonly file: string) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('busy_timeout = 5000');
    } catch (e) {
      throw new StoreError(`cannot open the SQLite database ${file}: ${(e as Error).message}`);
    }
    const prepared = (sql: string) => {
      let st = this.statements.get(sql);
      if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
      return st;
    };
    const guard = <T>(sql: string, run: () => T): T => {
      try {
        return run();
      } catch (e) {
        throw new StoreError(`SQLite: ${(e as Error).message} (in: ${sql.slice(0, 80)})`);
      }
    };
    this.driver = {
      all: async (sql, params = []) => guard(sql, () => {
        const st = prepared(sql);
        return (st.reader ? st.all(...params) : (st.run(...params), [])) as Row[];
      }),
      run: async (sql, params = []) => guard(sql, () => prepared(sql).run(...params).changes),
    };
  }

  /** Transactions and reads run one after another, in call order. */
  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.turn.then(fn);
    this.turn = result.catch(() => undefined);
    return result;
  }

  migrate(s: Parameters<Store['migrate']>[0]): Promise<void> {
    return this.tx(async () => {
      await migrate(this.driver, 'sqlite');
      await seed(this.driver, s);
    });
  }

  /**
   * Group commit: transactions asked for in the same event-loop turn run one after another as
   * savepoints of one SQLite transaction, and all are answered after its single COMMIT (one fsync
   * for the batch). Each still sees the ones before it and fails alone; none is acknowledged
   * before it is on disk.
   */
  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.batch.push({ fn: fn as (tx: Tx) => Promise<unknown>, resolve: resolve as (v: unknown) => void, reject });
      this.scheduleFlush();
    });
  }

  private readonly batch: Pending[] = [];
  private flushScheduled = false;

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.inTurn(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    const items = this.batch.splice(0, MAX_BATCH);
    if (this.batch.length > 0) this.scheduleFlush();
    if (items.length === 0) return;
    const fail = (e: unknown) => items.forEach((i) => i.reject(e));
    try {
      this.exec('BEGIN IMMEDIATE');
    } catch (e) {
      return fail(e);
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    for (const item of items) {
      try {
        this.exec('SAVEPOINT tx');
        const value = await item.fn(new SqlTx(this.driver, this.dialect));
        this.exec('RELEASE tx');
        outcomes.push({ ok: true, value });
      } catch (error) {
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
      if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
      return fail(e);
    }
    outcomes.forEach((o, k) => (o.ok ? items[k]?.resolve(o.value) : items[k]?.reject(o.error)));
  }

  private exec(sql: string): void {
    try {
      this.db.exec(sql);
    } catch (e) {
      throw new StoreError(`SQLite: ${(e as Error).message} (in: ${sql})`);
    }
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.inTurn(() => fn(new SqlTx(this.driver, this.dialect)));
  }

  async ping(): Promise<boolean> {
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    while (this.batch.length > 0 || this.flushScheduled) await new Promise((r) => setImmediate(r));
    await this.turn;
    if (this.db.open) this.db.close();
  }
}
