import { existsSync, readFileSync } from 'node:fs';
import { mcc } from './process.js';

/** One startSession of a load, numbered in the order it was sent. */
export interface Answer {
  seq: number;
  id: string;
  result: string;
  failReason?: string;
  failReasonMessage?: string;
}

/**
 * Workers sending startSession with ids of their own to a bridge until stopped, every answer
 * kept. `sent` numbers the calls in sending order, so a test can take the number right after it
 * broke something and look only at calls that left after that.
 */
export class SessionLoad {
  sent = 0;
  readonly answers: Answer[] = [];
  private stopped = false;
  private readonly running: Promise<void[]>;

  constructor(
    private readonly url: string,
    prefix: string,
    workers = 8,
  ) {
    this.running = Promise.all(Array.from({ length: workers }, (_, w) => this.worker(`${prefix}-${w}`)));
  }

  private async worker(prefix: string): Promise<void> {
    for (let i = 0; !this.stopped; i++) {
      const seq = ++this.sent;
      const id = `${prefix}-${i}`;
      const r = await mcc(this.url, 'startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: id });
      this.answers.push({ seq, id, result: r?.result ?? 'NO ANSWER', failReason: r?.failReason, failReasonMessage: r?.failReasonMessage });
      if (r?.result !== 'SUCCESS') await new Promise((ok) => setTimeout(ok, 20)); // no busy loop against an outage
    }
  }

  succeeded(after = 0): string[] {
    return this.answers.filter((a) => a.seq > after && a.result === 'SUCCESS').map((a) => a.id);
  }

  sentAfter(seq: number): Answer[] {
    return this.answers.filter((a) => a.seq > seq);
  }

  stop(): Promise<void[]> {
    this.stopped = true;
    return this.running;
  }
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

export const readyStatus = async (url: string) => (await fetch(`${url}/readyz`)).status;

/** The JSON lines of a bridge's log file. */
export function logLines(file: string): Array<Record<string, any>> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);
}

export const outageLines = (file: string) => logLines(file).filter((l) => /session store is failing/.test(l.message));
export const recoveryLines = (file: string) => logLines(file).filter((l) => /session store works again/.test(l.message));

/** What a client is told about a store failure: plain words, nothing from SQL or the driver. */
export const LEAKS = /\(in:|COMMIT|BEGIN|SELECT|INSERT|UPDATE|SQLITE_|PostgreSQL|ECONN|\//;
