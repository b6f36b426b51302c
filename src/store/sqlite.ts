import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { seed } from './seed.js';
import { SqlTx, type Dialect, type Driver, type Row } from './sql.js';
import { StoreError, type Store, type Tx } from './store.js';

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

  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.inTurn(async () => {
      this.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(new SqlTx(this.driver, this.dialect));
        this.exec('COMMIT');
        return result;
      } catch (e) {
        if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    });
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
    await this.turn;
    if (this.db.open) this.db.close();
  }
}
