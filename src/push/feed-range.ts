import type { WebhookConfig } from '../config/index.js';
import type { FeedRange, OutboxEntry, QueuedChange, SessionChange } from '../store/index.js';

/** The key of a subscriber's cursor on a channel. */
export const rangeKey = (subscriber: string, channelId: number): string => `${subscriber} ${channelId}`;

/** Whether a subscriber's filters cover a change (its channels are the cursors it has). */
export const covers = (hook: WebhookConfig, c: SessionChange): boolean =>
  (hook.services.length === 0 || hook.services.includes(c.serviceId)) && (hook.statuses.length === 0 || hook.statuses.includes(c.status));

/**
 * Changes read from one subscriber's cursor on one channel (push-cursors.ts), delivered in waves:
 * wave k holds the k-th change of each session in the range, and starts once wave k - 1 is
 * answered, so a session's changes arrive in order. A change that fails goes to push_outbox to be
 * retried, and its session's later changes go there behind it; so do the changes of sessions that
 * already wait there. Once the last wave is answered, what it queued and the cursor's advance are
 * stored in one transaction.
 */
export class Range {
  private readonly waves: SessionChange[][] = [];
  private wave = -1;
  /** POSTs of the current wave not answered yet. */
  private unanswered = 0;
  /** Sessions whose changes wait in push_outbox. */
  private readonly held: Set<string>;
  readonly queued: QueuedChange[] = [];
  readonly dead: Array<{ entry: OutboxEntry; error: string; at: number }> = [];
  delivered = 0;
  /** The changes read, up to this seq, are handled once the range is done. */
  readonly through: number;

  constructor(
    readonly hook: WebhookConfig,
    readonly channelId: number,
    read: FeedRange,
    now: number,
  ) {
    this.held = read.held;
    this.through = read.changes.at(-1)?.seq ?? read.from;
    const placed = new Map<string, number>();
    for (const c of read.changes) {
      if (!covers(hook, c)) continue;
      if (this.held.has(c.sessionId)) {
        this.queued.push({ subscriber: hook.name, change: c, attempts: 0, nextAt: now });
        continue;
      }
      const k = placed.get(c.sessionId) ?? 0;
      placed.set(c.sessionId, k + 1);
      (this.waves[k] ??= []).push(c);
    }
  }

  /** Which cursor it was read from: one range at a time on each. */
  get key(): string {
    return rangeKey(this.hook.name, this.channelId);
  }

  /**
   * An upper bound of the attempt times it takes with `concurrency` POSTs at once: its waves one
   * after the other, each as many rounds of POSTs as it has POSTs per `concurrency`, plus one for
   * the POSTs under way when it starts (a later wave goes ahead of what waits: the dispatcher).
   */
  attemptTimes(concurrency: number): number {
    return this.waves.reduce((n, w) => n + Math.ceil(Math.ceil(w.length / this.hook.batch) / concurrency) + 1, 0);
  }

  /** The next wave's POSTs (entries of up to `batch` changes), or none when the range is done. */
  nextWave(at: number): OutboxEntry[][] {
    while (++this.wave < this.waves.length) {
      const entries: OutboxEntry[] = [];
      for (const change of this.waves[this.wave] as SessionChange[]) {
        if (this.held.has(change.sessionId)) this.queued.push({ subscriber: this.hook.name, change, attempts: 0, nextAt: at });
        else entries.push({ subscriber: this.hook.name, attempts: 0, queuedAt: change.at, change });
      }
      if (entries.length === 0) continue;
      const posts: OutboxEntry[][] = [];
      for (let i = 0; i < entries.length; i += this.hook.batch) posts.push(entries.slice(i, i + this.hook.batch));
      this.unanswered = posts.length;
      return posts;
    }
    return [];
  }

  /**
   * One POST of the current wave answered; true when it was the wave's last. A failure sends each
   * of its changes to push_outbox (or to the dead letters, once older than the dead-letter age),
   * and holds their sessions' later changes behind them.
   */
  answered(entries: readonly OutboxEntry[], outcome: { error?: string; at: number; retryAt: () => number; isDead: (entry: OutboxEntry) => boolean }): boolean {
    const { error, at } = outcome;
    if (error === undefined) this.delivered += entries.length;
    else {
      for (const entry of entries) {
        this.held.add(entry.change.sessionId);
        if (outcome.isDead(entry)) this.dead.push({ entry, error, at });
        else this.queued.push({ subscriber: this.hook.name, change: entry.change, attempts: 1, nextAt: outcome.retryAt(), error });
      }
    }
    return --this.unanswered === 0;
  }

  /** Changes sent and failed, for the metrics once stored. */
  get failed(): number {
    return this.queued.filter((q) => q.attempts > 0).length;
  }
}
