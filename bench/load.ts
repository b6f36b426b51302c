import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

/** Sending load and checking answers: one request shape, autocannon runs, the access log's count. */

export interface Request {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface Measured {
  rps: number;
  p50: number;
  p99: number;
  /** Answers received in the measured run. */
  requests: number;
}

/** One request, answered 200 with what a correct answer contains: the bench never measures error pages. */
export async function check(name: string, r: Request, expect: RegExp): Promise<void> {
  const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
  const text = await res.text();
  if (res.status !== 200 || !expect.test(text)) throw new Error(`${name} answered ${res.status}: ${text.slice(0, 300)}`);
}

type Options = Parameters<typeof autocannon>[0];

/** An autocannon run that fails on any error, non-2xx answer or timeout. */
export async function cannon(name: string, options: Options): Promise<Measured> {
  const result = await autocannon({ pipelining: 1, ...options });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  // By count over the run's own duration: exact for runs of a fixed number of requests as well.
  return { rps: result.requests.total / result.duration, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total };
}

export const measure = (name: string, r: Request, connections: number, seconds: number) => cannon(name, { ...r, connections, duration: seconds });

/**
 * A bridge child's stdout (its log) is a file: writing it costs the bridge what a log file costs in
 * production, and counting its lines afterwards costs the load generator nothing during the run.
 */
export class LogFile {
  constructor(readonly path: string) {}

  /** The file's size once the child has stopped writing (its log stream writes behind the answers). */
  async settled(): Promise<number> {
    let size = statSync(this.path).size;
    for (;;) {
      await new Promise((r) => setTimeout(r, 150));
      const now = statSync(this.path).size;
      if (now === size) return size;
      size = now;
    }
  }

  /** Lines from byte `from` on that mention `needle` (the request's path: every access line names it). */
  async countSince(from: number, needle: string): Promise<number> {
    const end = statSync(this.path).size;
    if (end <= from) return 0;
    let n = 0;
    for await (const line of createInterface({ input: createReadStream(this.path, { start: from, end: end - 1 }) })) if (line.includes(needle)) n++;
    return n;
  }
}

/**
 * Throw unless the log got an access line for every measured answer. The lines trail the answers
 * (the log stream writes from the thread pool), by more on a busy machine: up to 10 s are given.
 */
export async function assertAccessLogged(name: string, log: LogFile, from: number, r: Request, answers: number): Promise<void> {
  const path = new URL(r.url).pathname;
  let lines = 0;
  for (let waited = 0; waited <= 10_000; waited += 250) {
    lines = await log.countSince(from, path);
    if (lines >= answers) return;
    await new Promise((ok) => setTimeout(ok, 250));
  }
  throw new Error(`${name}: ${answers} answers but only ${lines} access log lines (the bridge targets log at info)`);
}
