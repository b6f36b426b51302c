import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster (Debian's binaries, installed by scripts/install-test-deps.sh)
 * on a free loopback port, for the store tests and the benchmark. As the mocha global fixture,
 * MCC_TEST_DATABASE_URL set by hand wins; without PostgreSQL the postgres tests fail, unless
 * MCC_TEST_SKIP_POSTGRES=1 says to leave them out.
 */
let dataDir: string | undefined;
let pgBin: string | undefined;

const asPostgres = (cmd: string, args: string[]) => {
  const isRoot = process.getuid?.() === 0;
  const r = isRoot
    ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', [cmd, ...args].map((a) => `'${a}'`).join(' ')], { encoding: 'utf8' })
    : spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
};

export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.MCC_TEST_DATABASE_URL || process.env.MCC_TEST_SKIP_POSTGRES === '1') return;
  const url = startThrowawayPostgres();
  if (url) process.env.MCC_TEST_DATABASE_URL = url;
}

export async function mochaGlobalTeardown(): Promise<void> {
  stopThrowawayPostgres();
}

/** Start a cluster; its URL, or undefined when PostgreSQL is not installed. */
export function startThrowawayPostgres(): string | undefined {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions[0]) return undefined;
  pgBin = `/usr/lib/postgresql/${versions[0]}/bin`;
  dataDir = mkdtempSync(join(tmpdir(), 'mcc-pg-'));
  if (process.getuid?.() === 0)
    chownSync(dataDir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const port = 20000 + Math.floor(Math.random() * 20000);
  asPostgres(`${pgBin}/initdb`, ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  // The options live in the cluster's own configuration, so a restart (outage tests) keeps the port.
  appendFileSync(join(dataDir, 'postgresql.conf'), `\nport = ${port}\nunix_socket_directories = '${dataDir}'\nlisten_addresses = '127.0.0.1'\n`);
  asPostgres(`${pgBin}/pg_ctl`, ['-D', dataDir, '-w', '-l', join(dataDir, 'server.log'), 'start']);
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

/** Does this test run own its PostgreSQL (so a test may take it down)? */
export const ownsPostgres = () => dataDir !== undefined;

/**
 * Take the running throwaway cluster down, or bring it back (outage tests); false if there is none.
 * `immediate`: the server processes are killed, connections drop without a goodbye (a crash).
 */
export function outage(state: 'down' | 'up', mode: 'fast' | 'immediate' = 'fast'): boolean {
  if (!dataDir || !pgBin) return false;
  if (state === 'down') asPostgres(`${pgBin}/pg_ctl`, ['-D', dataDir, '-m', mode, '-w', 'stop']);
  else asPostgres(`${pgBin}/pg_ctl`, ['-D', dataDir, '-w', '-l', join(dataDir, 'server.log'), 'start']);
  return true;
}

export function stopThrowawayPostgres(): void {
  if (!dataDir || !pgBin) return;
  const dir = dataDir;
  dataDir = undefined; // stopping twice is harmless
  try {
    asPostgres(`${pgBin}/pg_ctl`, ['-D', dir, '-m', 'immediate', 'stop']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
