import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * CPU pinning, as issue 14's figures were taken: the load generator (this process) on one core, the
 * server under test on another, so neither steals the other's core and runs compare. With taskset
 * missing or a single core nothing is pinned and the header says so.
 */
export interface Pinning {
  /** One line for the bench's header: what was done, or why not. */
  readonly note: string;
  readonly pinned: boolean;
  /** Pin a server process (all its threads) to the next server core, round-robin; a no-op when not pinning. */
  server(pid: number | undefined): void;
  /** The core a command should be started on (`taskset -c N cmd …`), for processes pinned from birth. */
  nextServerCore(): number | undefined;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const taskset = (core: number, pid: number) => execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });

export function pinning(): Pinning {
  const cores = availableParallelism();
  const none = (why: string): Pinning => ({ note: `not pinned (${why})`, pinned: false, server: () => undefined, nextServerCore: () => undefined });
  if (process.platform !== 'linux' || !hasTaskset()) return none('no taskset');
  if (cores < 2) return none('1 core');
  taskset(0, process.pid);
  const serverCores = Array.from({ length: cores - 1 }, (_, i) => i + 1);
  let next = 0;
  const nextServerCore = () => serverCores[next++ % serverCores.length] as number;
  return {
    note: `pinned (taskset): load generator on CPU 0, ${serverCores.length === 1 ? 'servers on CPU 1' : `servers in turn on CPUs ${serverCores.join(',')}`}`,
    pinned: true,
    nextServerCore,
    server(pid) {
      if (pid !== undefined) taskset(nextServerCore(), pid);
    },
  };
}
