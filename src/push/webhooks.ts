import type { PushConfig, WebhookConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { OutboxEntry } from '../store/index.js';
import { payload, type ChangeFeed } from './feed.js';
import { SIGNATURE_HEADER, signature } from './signature.js';

/** How often the outbox is looked at without a wake-up: retries falling due, other processes' changes. */
const TICK_MS = 500;
/** A claim outlives the attempt by this much before another process may take the entry. */
const LEASE_MARGIN_MS = 5000;

/** Where a webhook goes, for the log: its origin and path, never credentials or a query (which may carry a token). */
const target = (url: string) => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

/**
 * Delivers the webhook outbox, one dispatcher per process: claims due entries (leased, so in a
 * cluster each is taken by one process), POSTs each signed, and on failure retries later with
 * exponential backoff and jitter, until the entry is older than the dead-letter age. Runs beside
 * the MCC answers, never in them: bounded concurrency, a timeout per attempt, nothing awaited by a
 * request. An entry is deleted only after its receiver answered 2xx: a crash in between means it
 * is sent again (at least once; the receiver dedupes by seq).
 */
export class WebhookDispatcher {
  private readonly hooks: Map<string, WebhookConfig>;
  private inFlight = 0;
  private claiming = false;
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
    this.unwatch = feed.watch(() => this.kick());
    this.tick = setInterval(() => this.kick(), TICK_MS).unref();
    this.kick();
  }

  /** Look for due entries now (coalesced: one claim at a time). */
  kick(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = true;
    void this.claim().finally(() => {
      this.claiming = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async claim(): Promise<void> {
    while (!this.stopped && this.inFlight < this.config.concurrency) {
      const now = Date.now();
      const lease = now + this.config.timeoutSeconds * 1000 + LEASE_MARGIN_MS;
      let entries: OutboxEntry[];
      try {
        entries = await this.feed.tx((log) => log.claim(now, lease, this.config.concurrency - this.inFlight));
      } catch (e) {
        this.logger.warn('webhook outbox unreadable', { error: (e as Error).message });
        return;
      }
      if (entries.length === 0) return;
      for (const entry of entries) {
        this.inFlight++;
        void this.deliver(entry).finally(() => {
          this.inFlight--;
          this.kick();
        });
      }
    }
  }

  private async deliver(entry: OutboxEntry): Promise<void> {
    const { subscriber, change } = entry;
    const hook = this.hooks.get(subscriber);
    const error = hook ? await this.post(hook, JSON.stringify(payload(change))) : `no webhook named ${subscriber} is configured any more`;
    const now = Date.now();
    try {
      if (error === undefined) {
        await this.feed.tx((log) => log.delivered(subscriber, change.seq));
        this.metrics?.webhook(subscriber, 'delivered');
      } else if (!hook || now - entry.queuedAt >= this.config.deadLetterAfterSeconds * 1000) {
        await this.feed.tx((log) => log.deadLetter(entry, now, error));
        this.metrics?.webhook(subscriber, 'dead_lettered');
        this.logger.warn('webhook dead-lettered', { subscriber, seq: change.seq, sessionId: change.sessionId, attempts: entry.attempts + 1, error });
      } else {
        await this.feed.tx((log) => log.retry(subscriber, change.seq, now + this.backoff(entry.attempts), error));
        this.metrics?.webhook(subscriber, 'failed');
        this.logger.debug('webhook attempt failed', { subscriber, seq: change.seq, attempts: entry.attempts + 1, error });
      }
    } catch (e) {
      // The outcome is not stored: the lease runs out and the entry is tried again.
      this.logger.warn('webhook outcome not stored', { subscriber, seq: change.seq, error: (e as Error).message });
    }
  }

  /** One attempt; undefined when the receiver took it (2xx), else why not. */
  private async post(hook: WebhookConfig, body: string): Promise<string | undefined> {
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'mcc-bridge',
          [SIGNATURE_HEADER]: signature(hook.secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutSeconds * 1000),
      });
      await res.body?.cancel(); // the answer's body is not read: the connection is freed
      return res.ok ? undefined : `${target(hook.url)} answered ${res.status}`;
    } catch (e) {
      const cause = (e as Error & { cause?: Error }).cause;
      return `${target(hook.url)}: ${(e as Error).name === 'TimeoutError' ? `no answer in ${this.config.timeoutSeconds} s` : (cause?.message ?? (e as Error).message)}`;
    }
  }

  /** Exponential, capped, with jitter (between half and all of the step) so that retries of many entries spread out. */
  private backoff(attempts: number): number {
    const { initialSeconds, maxSeconds } = this.config.retry;
    const step = Math.min(maxSeconds, initialSeconds * 2 ** attempts) * 1000;
    return step / 2 + Math.random() * (step / 2);
  }

  /** Stop claiming. An attempt under way whose outcome can no longer be stored is sent again once its lease runs out. */
  stop(): void {
    this.stopped = true;
    this.unwatch();
    clearInterval(this.tick);
  }
}
