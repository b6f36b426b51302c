import pg from 'pg';
import { migrate } from './migrations.js';
import { seed } from './seed.js';
import { SqlTx, type Dialect, type Driver } from './sql.js';
import { OutageWatch } from './outage.js';
import { GroupCommit } from './pg-batch.js';
import { errorCode, StoreError, type Store, type StoreOptions, type Tx, type TxOptions } from './store.js';

/**
 * PostgreSQL, for several bridge processes on one database. READ COMMITTED transactions; every
 * change first locks its channel row (see store.ts), so two processes never route, count
 * licenses or load agents of the same channel at once; startSession's lockless transactions are
 * committed in groups instead (pg-batch.ts). Migrations take an advisory lock, so processes
 * starting together upgrade the schema once.
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

/** A URL's credentials, wherever one shows up in a driver's message. */
const withoutCredentials = (text: string) => text.replace(/\/\/[^/@\s]*@/g, '//');

/**
 * What a caller is told. SQLSTATE classes 08 (connection), 53 (resources), 57 (operator
 * intervention: shutdown, starting up), 58 (system) and errors without a SQLSTATE (the socket)
 * mean the server cannot be used; anything else is this one request refused.
 */
function pgError(e: unknown, context: string): StoreError {
  const code = errorCode(e);
  const unreachable = !/^[0-9A-Z]{5}$/.test(code) || /^(08|53|57|58)/.test(code);
  const cause = withoutCredentials(`PostgreSQL ${context}: ${(e as Error).message}${code ? ` (${code})` : ''}`);
  return new StoreError(unreachable ? 'the database cannot be reached' : 'the database refused the request', cause);
}

/** host:port/database of a connection URL, for the log (no user, no password). */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return 'postgres';
  }
}

const int8AsNumber = (oid: number, format?: string) => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'));

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

  private readonly watch: OutageWatch;
  private readonly group: GroupCommit;

  constructor(url: string, options: StoreOptions & { connectionTimeoutMillis?: number; max?: number; schema?: string } = {}) {
    this.watch = new OutageWatch({ store: 'postgres', where: where(url) }, options.log);
    const poolSize = options.max ?? 10;
    this.pool = new pg.Pool({
      connectionString: url,
      // A schema of its own (tests give each engine one); tables and sequences are created there.
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
      max: poolSize,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
      types: { getTypeParser: int8AsNumber as never },
    });
    // A client losing its server emits 'error', idle in the pool or checked out: unheard, that
    // event kills the process. Each client is heard from birth; the failing query (or the next
    // one) reports the outage, and withClient discards a client that broke while out.
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    this.group = new GroupCommit((work) => this.withClient((client) => work(this.driver(client))), this.dialect, poolSize);
  }

  private driver(q: pg.Pool | pg.PoolClient): Driver {
    const query = async (sql: string, params: unknown[] = []) => {
      try {
        return await q.query(toPg(sql), params);
      } catch (e) {
        throw pgError(e, 'query failed');
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
      throw pgError(e, 'unreachable');
    }
    let broken: Error | undefined;
    const onError = (e: Error) => (broken ??= e);
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (e) {
      // A client whose transaction could not even be rolled back is not given to the next caller.
      await client.query('ROLLBACK').catch((r: Error) => (broken ??= r));
      throw e;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  migrate(s: Parameters<Store['migrate']>[0]): Promise<void> {
    return this.transaction(async (d) => {
      await d.all('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      await migrate(d, 'postgres');
      await seed(d, s);
    });
  }

  /** Lockless transactions are committed in groups (pg-batch.ts); the others one by one. */
  tx<T>(fn: (tx: Tx) => Promise<T>, options: TxOptions = {}): Promise<T> {
    return this.watch.around(true, () => (options.lockless ? this.group.submit(fn) : this.transaction((d) => fn(new SqlTx(d, this.dialect)))));
  }

  private transaction<T>(fn: (d: Driver) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      const d = this.driver(client);
      await d.run('BEGIN');
      const result = await fn(d);
      await d.run('COMMIT');
      return result;
    });
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.watch.around(false, () => fn(new SqlTx(this.driver(this.pool), this.dialect)));
  }

  /** The server answers, and takes writes (not a standby, not read-only). */
  ping(): Promise<boolean> {
    if (this.closing) return Promise.resolve(false); // closed on purpose (shutdown): no outage to log
    return this.watch
      .around(true, async () => {
        const [r] = await this.driver(this.pool).all(`SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off' AS writable`);
        if (!r?.writable) throw new StoreError('the database is read-only', 'PostgreSQL is read-only (a standby, or default_transaction_read_only)');
      })
      .then(
        () => true,
        () => false,
      );
  }

  /** Idempotent: closing twice is harmless. What is queued is committed first. */
  close(): Promise<void> {
    this.closing ??= this.group.drained().then(() => this.pool.end());
    return this.closing;
  }
  private closing: Promise<void> | undefined;
}
