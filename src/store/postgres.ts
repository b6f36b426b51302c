import pg from 'pg';
import { migrate } from './migrations.js';
import { seed } from './seed.js';
import { SqlTx, type Dialect, type Driver } from './sql.js';
import { StoreError, type Store, type Tx } from './store.js';

/**
 * PostgreSQL, for several bridge processes on one database. READ COMMITTED transactions; every
 * change first locks its channel row (see store.ts), so two processes never route, count
 * licenses or load agents of the same channel at once. Migrations take an advisory lock, so
 * processes starting together upgrade the schema once.
 */
const MIGRATION_LOCK = 0x6d6363; // "mcc"

/** `?` placeholders → `$1, $2, …` (the SQL never holds a literal question mark). */
const numbered = new Map<string, string>();
function toPg(sql: string): string {
  let out = numbered.get(sql);
  if (!out) {
    let i = 0;
    out = sql.replace(/\?/g, () => `$${++i}`);
    numbered.set(sql, out);
  }
  return out;
}

const int8AsNumber = (oid: number, format?: string) =>
  oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text');

export class PostgresStore implements Store {
  readonly kind = 'postgres';
  private readonly pool: pg.Pool;
  private readonly dialect: Dialect = {
    forUpdate: ' FOR UPDATE',
    nextSeq: async (d, where) => {
      const [r] = await d.all(`SELECT nextval('queue_${where}') AS value`);
      return Number(r?.value);
    },
  };

  constructor(url: string, options: { connectionTimeoutMillis?: number; max?: number; schema?: string } = {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      // A schema of its own (tests give each engine one); tables and sequences are created there.
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
      types: { getTypeParser: int8AsNumber as never },
    });
    // An idle client losing its server must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  private driver(q: pg.Pool | pg.PoolClient): Driver {
    const query = async (sql: string, params: unknown[] = []) => {
      try {
        return await q.query(toPg(sql), params);
      } catch (e) {
        throw new StoreError(`PostgreSQL: ${(e as Error).message}`);
      }
    };
    return {
      all: async (sql, params) => (await query(sql, params)).rows,
      run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
    };
  }

  private async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw new StoreError(`PostgreSQL unreachable: ${(e as Error).message}`);
    }
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }

  migrate(s: Parameters<Store['migrate']>[0]): Promise<void> {
    return this.transaction(async (d) => {
      await d.all('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      await migrate(d, 'postgres');
      await seed(d, s);
    });
  }

  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction((d) => fn(new SqlTx(d, this.dialect)));
  }

  private transaction<T>(fn: (d: Driver) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      const d = this.driver(client);
      await d.run('BEGIN');
      try {
        const result = await fn(d);
        await d.run('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn(new SqlTx(this.driver(this.pool), this.dialect));
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** Idempotent: closing twice is harmless. */
  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
  private closing: Promise<void> | undefined;
}
