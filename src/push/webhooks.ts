import { Agent, request } from 'undici';
import type { PushConfig, WebhookConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { ChangeLog, OutboxEntry } from '../store/index.js';
import { payload, type ChangeFeed } from './feed.js';
import { SIGNATURE_HEADER, signature } from './signature.js';

/** How often the outbox is looked at without a wake-up: retries falling due, other processes' changes. */
const TICK_MS = 500;
/** A claim outlives its wait and its attempt by this much before another process may take the entry. */
const LEASE_MARGIN_MS = 5000;

/** Where a webhook goes, for the log: its origin and path, never credentials or a query (which may carry a token). */
const target = (url: string) => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

/** What became of one attempt, to be stored with the next claim. */
type Outcome =
  { entry: OutboxEntry; delivered: true } | { entry: OutboxEntry; delivered: false; error: string; at: number; retryAt?: number; deadLetter: boolean };

/** undici's timeouts (connect, headers, body): the receiver did not answer in time. */
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Delivers the webhook outbox, one dispatcher per process: claims due entries (leased, so in a
 * cluster each is taken by one process), POSTs each signed, and on failure retries later with
 * exponential backoff and jitter, until the entry is older than the dead-letter age. Runs beside
 * the MCC answers, never in them: bounded concurrency, a timeout per attempt, nothing awaited by a
 * request. An entry is deleted only after its receiver answered 2xx: a crash in between means it
 * is sent again (at least once; the receiver dedupes by seq).
 *
 * What it costs the process that also answers the MCC, per change (measured under a startSession
 * load, bench machine): the outcomes of the attempts finished meanwhile are stored in the
 * transaction that claims the next entries, one transaction per round instead of two per change;
 * and the POST goes through undici's request() on a keep-alive pool, ~37 µs of CPU where
 * fetch() (undici's WHATWG layer, streams and an AbortSignal per call) took ~240 µs.
 */
export class WebhookDispatcher {
  private readonly hooks: Map<string, WebhookConfig>;
  private readonly http: Agent;
  private inFlight = 0;
  /** Claimed, waiting for a free attempt: at most `concurrency`, so each starts within one attempt's time. */
  private ready: OutboxEntry[] = [];
  private outcomes: Outcome[] = [];
  private round: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly unwatch: () => void;
  private readonly tick: NodeJS.Timeout;

  constructor(
    private readonly config: PushConfig,
    private readonly feed: ChangeFeed,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {
    this.hooks = new Map(config.webhooks.map((w) => [w.name, w]));
    const timeout = config.timeoutSeconds * 1000;
    this.http = new Agent({ connections: config.concurrency, connect: { timeout }, headersTimeout: timeout, bodyTimeout: timeout });
    this.unwatch = feed.watch(() => this.kick());
    this.tick = setInterval(() => this.kick(), TICK_MS).unref();
    this.kick();
  }

  /** Store what finished and look for due entries now (coalesced: one round at a time). */
  kick(): void {
    if (this.stopped) return;
    if (this.round) {
      this.again = true;
      return;
    }
    this.round = this.rounds().finally(() => {
      this.round = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /**
   * One transaction per round: the outcomes so far are stored (a delivered entry deleted, which
   * lets its session's next change be claimed), then as many due entries claimed as there is room
   * for: the free attempts and as many again waiting, so that attempts never wait for a round (a
   * round waits for a commit). Rounds go on while they find work.
   */
  private async rounds(release: readonly OutboxEntry[] = []): Promise<void> {
    for (;;) {
      const room = this.stopped ? 0 : 2 * this.config.concurrency - this.inFlight - this.ready.length;
      const done = this.outcomes.splice(0);
      if (room <= 0 && done.length === 0 && release.length === 0) return;
      const now = Date.now();
      // Waiting behind at most `concurrency` others, an entry starts within one attempt's time.
      const lease = now + 2 * this.config.timeoutSeconds * 1000 + LEASE_MARGIN_MS;
      let entries: OutboxEntry[];
      try {
        entries = await this.feed.tx(async (log) => {
          for (const o of done) await this.store(log, o);
          for (const e of release) await log.release(e.subscriber, e.change.seq);
          return room > 0 ? log.claim(now, lease, room) : [];
        });
      } catch (e) {
        // Not kept for another try (one that cannot be stored would stop every later round): the
        // entries' leases run out and they are sent again, at least once as always.
        this.logger.warn(done.length > 0 ? 'webhook outcomes not stored; those entries are sent again' : 'webhook outbox unreadable', {
          error: (e as Error).message,
        });
        return;
      }
      for (const o of done) this.report(o);
      release = [];
      this.ready.push(...entries);
      this.pump();
      if (entries.length === 0 && this.outcomes.length === 0) return;
    }
  }

  /** Start waiting entries while attempts are free. */
  private pump(): void {
    while (!this.stopped && this.inFlight < this.config.concurrency && this.ready.length > 0) {
      const entry = this.ready.shift() as OutboxEntry;
      this.inFlight++;
      void this.deliver(entry).finally(() => {
        this.inFlight--;
        this.pump();
        this.kick();
      });
    }
  }

  private async store(log: ChangeLog, o: Outcome): Promise<void> {
    const { subscriber, change } = o.entry;
    if (o.delivered) await log.delivered(subscriber, change.seq);
    else if (o.deadLetter) await log.deadLetter(o.entry, o.at, o.error);
    else await log.retry(subscriber, change.seq, o.retryAt ?? o.at, o.error);
  }

  /** Once stored: counted, and a dead letter logged. */
  private report(o: Outcome): void {
    const { subscriber, change, attempts } = o.entry;
    if (o.delivered) {
      this.metrics?.webhook(subscriber, 'delivered');
    } else if (o.deadLetter) {
      this.metrics?.webhook(subscriber, 'dead_lettered');
      this.logger.warn('webhook dead-lettered', { subscriber, seq: change.seq, sessionId: change.sessionId, attempts: attempts + 1, error: o.error });
    } else {
      this.metrics?.webhook(subscriber, 'failed');
      this.logger.debug('webhook attempt failed', { subscriber, seq: change.seq, attempts: attempts + 1, error: o.error });
    }
  }

  private async deliver(entry: OutboxEntry): Promise<void> {
    const hook = this.hooks.get(entry.subscriber);
    const error = hook ? await this.post(hook, JSON.stringify(payload(entry.change))) : `no webhook named ${entry.subscriber} is configured any more`;
    if (error === undefined) {
      this.outcomes.push({ entry, delivered: true });
      return;
    }
    const at = Date.now();
    const deadLetter = !hook || at - entry.queuedAt >= this.config.deadLetterAfterSeconds * 1000;
    this.outcomes.push({ entry, delivered: false, error, at, deadLetter, ...(deadLetter ? {} : { retryAt: at + this.backoff(entry.attempts) }) });
  }

  /** One attempt; undefined when the receiver took it (2xx), else why not. Redirects are not followed. */
  private async post(hook: WebhookConfig, body: string): Promise<string | undefined> {
    try {
      const res = await request(hook.url, {
        method: 'POST',
        dispatcher: this.http,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'mcc-bridge',
          [SIGNATURE_HEADER]: signature(hook.secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
      });
      await res.body.dump(); // the answer's body is not read: the connection is freed
      return res.statusCode >= 200 && res.statusCode < 300 ? undefined : `${target(hook.url)} answered ${res.statusCode}`;
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      return `${target(hook.url)}: ${TIMEOUTS.has(code) ? `no answer in ${this.config.timeoutSeconds} s` : (e as Error).message}`;
    }
  }

  /** Exponential, capped, with jitter (between half and all of the step) so that retries of many entries spread out. */
  private backoff(attempts: number): number {
    const { initialSeconds, maxSeconds } = this.config.retry;
    const step = Math.min(maxSeconds, initialSeconds * 2 ** attempts) * 1000;
    return Math.round(step / 2 + Math.random() * (step / 2)); // whole milliseconds: next_at is a BIGINT
  }

  /**
   * Stop claiming; the outcomes already known are stored (what was delivered is not sent again)
   * and the entries claimed but not tried are let go (the next process takes them at once).
   * An attempt still under way is cut: sent again once its lease runs out.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch();
    clearInterval(this.tick);
    await this.round;
    const waiting = this.ready.splice(0);
    if (this.outcomes.length > 0 || waiting.length > 0) {
      await this.rounds(waiting).catch(() => undefined);
    }
    await this.http.destroy().catch(() => undefined);
  }
}
