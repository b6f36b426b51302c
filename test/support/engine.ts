import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { EmbeddedEngine } from '../../src/backends/embedded/index.js';
import { parseConfig, type EmbeddedConfig } from '../../src/config/index.js';
import { PostgresStore, SqliteStore, type Store } from '../../src/store/index.js';

/** Store kinds the suites run against; PostgreSQL needs the global fixture (or MCC_TEST_DATABASE_URL). */
export const storeKinds = process.env.MCC_TEST_SKIP_POSTGRES === '1' ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);
export type StoreKind = (typeof storeKinds)[number];

export function databaseUrl(): string {
  const url = process.env.MCC_TEST_DATABASE_URL;
  if (!url)
    throw new Error(
      'no PostgreSQL for the tests: run scripts/install-test-deps.sh, or set MCC_TEST_DATABASE_URL (MCC_TEST_SKIP_POSTGRES=1 leaves these tests out)',
    );
  return url;
}

/** A fresh, empty store: a new SQLite file, or a new schema in the test PostgreSQL. */
export async function freshStore(kind: StoreKind): Promise<{ store: Store; location: string }> {
  if (kind === 'sqlite') {
    const file = join(mkdtempSync(join(tmpdir(), 'mcc-store-')), 'test.sqlite');
    return { store: new SqliteStore(file), location: file };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE SCHEMA ${schema}`);
  return { store: new PostgresStore(databaseUrl(), { schema }), location: schema };
}

/** A new, empty database in the test PostgreSQL (for bridge processes, which take a URL); its URL. */
export async function freshDatabase(): Promise<string> {
  const name = `mcc_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(databaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function embeddedConfig(doc: Record<string, unknown>): EmbeddedConfig {
  return parseConfig({ embedded: doc }).embedded;
}

export async function openEngine(doc: Record<string, unknown>, options: { kind?: StoreKind; now?: () => number; store?: Store } = {}): Promise<EmbeddedEngine> {
  const store = options.store ?? (await freshStore(options.kind ?? 'sqlite')).store;
  const engine = new EmbeddedEngine(embeddedConfig(doc), store, options.now ? { now: options.now } : {});
  await engine.start();
  return engine;
}
