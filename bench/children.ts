import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopThrowawayPostgres } from '../test/support/postgres.js';
import { LogFile } from './load.js';
import { V8_FLAGS } from '../src/cli/v8-flags.js';
import type { Pinning } from './pinning.js';

/** The processes the bench starts (servers.ts targets, the JAX-WS anchor), each killed when the bench ends. */

const here = dirname(fileURLToPath(import.meta.url));
const logs = mkdtempSync(join(tmpdir(), 'mcc-bench-logs-'));
const children = new Set<ChildProcess>();

export interface Server {
  child: ChildProcess;
  url: string;
  /** The child's stdout, a bridge's log (servers.ts children only). */
  log?: LogFile;
}

export function killAll(): void {
  children.forEach((c) => c.kill('SIGKILL'));
  children.clear();
  stopThrowawayPostgres();
}
process.on('exit', () => {
  killAll();
  rmSync(logs, { recursive: true, force: true });
});
process.on('SIGINT', () => process.exit(130));

export function adopt(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

export function stop(server: { child: ChildProcess }): void {
  server.child.kill('SIGKILL');
}

let started = 0;

/**
 * A servers.ts target in its own process, pinned to a server core (`onServerCore: false`: left on
 * the load generator's, as a client-side process); resolves once it listens. A bridge runs with
 * the V8 flags it ships with; the anchors with node's defaults.
 */
export function startServer(
  kind: string,
  pin: Pinning,
  {
    timeoutSeconds = 30,
    env = {},
    execArgv = [],
    onServerCore = true,
  }: { timeoutSeconds?: number; env?: Record<string, string>; execArgv?: string[]; onServerCore?: boolean } = {},
): Promise<Server> {
  const log = new LogFile(join(logs, `${++started}-${kind}.log`));
  const out = openSync(log.path, 'w');
  const flags = kind.startsWith('bridge') ? [...V8_FLAGS, ...execArgv] : execArgv;
  const child = fork(join(here, 'servers.js'), [kind], { stdio: ['ignore', out, 'inherit', 'ipc'], env: { ...process.env, ...env }, execArgv: flags });
  closeSync(out);
  adopt(child);
  if (onServerCore) pin.server(child.pid);
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${kind} did not start in ${timeoutSeconds} s`)), timeoutSeconds * 1000);
    child.once('message', (m: { url: string }) => {
      clearTimeout(timer);
      ok({ child, url: m.url, log });
    });
    child.once('exit', (code) => fail(new Error(`${kind} exited with ${code} before it was ready`)));
  });
}

/** Ask a servers.ts webhook receiver what it has received so far. */
export function receivedBy(receiver: Server): Promise<{ posts: number; changes: number }> {
  return new Promise((ok) => {
    const on = (m: { received?: { posts: number; changes: number } }) => {
      if (!m.received) return;
      receiver.child.off('message', on);
      ok(m.received);
    };
    receiver.child.on('message', on);
    receiver.child.send('received');
  });
}

/** Ask a servers.ts child for its resident memory (after a full collection when it runs with --expose-gc). */
export function rssOf(child: ChildProcess): Promise<{ rss: number; rssAfterGc?: number }> {
  return new Promise((ok) => {
    child.once('message', (m: { rss: number; rssAfterGc?: number }) => ok(m));
    child.send('rss');
  });
}
