import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's webhook receiver example (examples/webhook-receiver.mjs), run as the real receiver. */
const example = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'), 'examples', 'webhook-receiver.mjs');

export interface Delivery {
  sessionId: string;
  channelId: number;
  serviceId: string;
  status: string;
  username?: string;
  customMessage: string;
  at: string;
  seq: number;
}

export interface Receiver {
  url: string;
  port: number;
  /** Every verified delivery so far, in arrival order (over restarts). */
  received: Delivery[];
  stop(): Promise<void>;
  /** Start again on the same port. */
  start(): Promise<void>;
}

export async function startReceiver(secret: string, port = 0): Promise<Receiver> {
  const received: Delivery[] = [];
  let child: ChildProcess | undefined;
  const r: Receiver = {
    url: '',
    port,
    received,
    async start() {
      const proc = spawn(process.execPath, [example], {
        env: { ...process.env, WEBHOOK_SECRET: secret, PORT: String(r.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      let buffered = '';
      proc.stdout.on('data', (d: Buffer) => {
        buffered += d;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line) received.push(JSON.parse(line) as Delivery);
      });
      r.port = await new Promise<number>((ok, fail) => {
        let err = '';
        proc.stderr.on('data', (d: Buffer) => {
          err += d;
          const m = /listening on (\d+)/.exec(err);
          if (m) ok(Number(m[1]));
        });
        proc.once('exit', (code) => fail(new Error(`receiver exited (${code}): ${err}`)));
      });
      r.url = `http://127.0.0.1:${r.port}/hook`;
    },
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return; // already gone (a kill leaves only signalCode)
      const gone = new Promise((ok) => child?.once('exit', ok));
      child.kill('SIGKILL');
      await gone;
    },
  };
  await r.start();
  return r;
}

export async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Each session's statuses in arrival order, duplicates (same seq) dropped. */
export function bySession(received: readonly Delivery[]): Map<string, string[]> {
  const seen = new Set<number>();
  const out = new Map<string, string[]>();
  for (const d of received) {
    if (seen.has(d.seq)) continue;
    seen.add(d.seq);
    out.set(d.sessionId, [...(out.get(d.sessionId) ?? []), d.status]);
  }
  return out;
}

/** An SSE client over fetch: the events it has read, and how to stop it. */
export function openStream(url: string, headers: Record<string, string> = {}) {
  const events: Array<{ id: number; data: Delivery }> = [];
  const controller = new AbortController();
  const opened = fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const done = opened.then(async (res) => {
    if (res.status !== 200) return res;
    const decoder = new TextDecoder();
    let text = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id && data) events.push({ id: Number(id), data: JSON.parse(data) as Delivery });
        }
      }
    } catch {
      // aborted
    }
    return res;
  });
  return { events, opened, done, close: () => controller.abort() };
}
