import type { PushConfig, WebhookConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../ops/metrics.js';
import { CHANNEL_IDS } from '../contract/index.js';
import type { ChangeLog, OutboxEntry } from '../store/index.js';
import { payload, type ChangeFeed } from './feed.js';
import { Range, rangeKey } from './feed-range.js';
import { WebhookSender } from './sender.js';

/**
 * How often every cursor and every subscriber's outbox is looked at without a wake-up: retries
 * falling due, other processes' changes and entries. Between ticks a round reads only the cursors
 * of channels a commit here changed, and claims only from outboxes that may have an entry due now.
 */
const TICK_MS = 500;
/**
 * Rounds begin at least this far apart. Under load every commit wakes the dispatcher, and a claim
 * costs ~70 µs before its first row: a round per commit (~3 ms) claimed ~17 entries each, a
 * round per 10 ms ~65 (startSession with a batching subscriber: 5,300 → 6,000 req/s). It delays a
 * change by at most as much, and bounds what one process sends at 2 × concurrency POSTs a round.
 */
const ROUND_GAP_MS = 10;
/** A range read from a cursor is up to this many times `concurrency` POSTs. */
const RANGE_POSTS = 4;
/** A claim outlives its wait and its attempt by this much before another process may take the entry. */
const LEASE_MARGIN_MS = 5000;

/** One POST: a subscriber's entries (one, or up to its `batch`, each of another session). */
interface Post {
  subscriber: string;
  entries: OutboxEntry[];
  /** Read from the subscriber's cursor on the feed; else claimed from push_outbox. */
  range?: Range;
}

/** What became of one POST, to be stored with the next claim. */
type Outcome = { post: Post; delivered: true } | { post: Post; delivered: false; error: string; at: number };

/** The channels a subscriber has cursors on: its filter, or every MCC channel. */
const channelsOf = (hook: WebhookConfig): readonly number[] => (hook.channels.length > 0 ? hook.channels : CHANNEL_IDS);

/**
 * Delivers the webhooks, one dispatcher per process. Each subscriber reads the change feed from
 * its cursor on each channel (a range leased, so in a cluster one process has it; feed-range.ts),
 * POSTs the changes it covers, signed, and advances the cursor once they are answered; what was
 * not taken goes to push_outbox, whose due entries are claimed (leased too) and retried with
 * exponential backoff and jitter, until an entry is older than the dead-letter age. Runs beside
 * the MCC answers, never in them: bounded concurrency, a timeout per attempt, nothing awaited by a
 * request. A cursor passes a change, or an outbox entry is deleted, only after its receiver
 * answered 2xx or it was queued for a retry: a crash in between means it is sent again (at least
 * once; the receiver dedupes by seq).
 *
 * What it costs the process that also answers the MCC, per change (measured under a startSession
 * load, bench machine): the outcomes of the POSTs finished meanwhile are stored in the
 * transaction that claims the next entries, one transaction per round instead of two per change;
 * a POST costs ~37 µs of CPU (sender.ts), which a subscriber with `batch` > 1 shares among up
 * to `batch` changes.
 */
export class WebhookDispatcher {
  private hooks: Map<string, WebhookConfig>;
  private sender: WebhookSender;
  /** POSTs under way: at most `concurrency`. */
  private inFlight = 0;
  /** Claimed, waiting for a free attempt (each claim leased for as long as what is ahead of it takes). */
  private ready: Post[] = [];
  private outcomes: Outcome[] = [];
  /** Ranges under way, by subscriber and channel: one at a time on each cursor. */
  private readonly ranges = new Map<string, Range>();
  /** Ranges answered in full, to be stored with the next round. */
  private finished: Range[] = [];
  /** Which subscriber claims first in the next round: they take turns, so none starves the others. */
  private turn = 0;
  /**
   * Cursors (by rangeKey) that may have changes to read: a commit here adds its channels', a tick
   * all. A round under load read every MCC channel's cursor of every subscriber, nearly all of them
   * with nothing new (startSession on one channel, SQLite: ~10 cursor and feed reads a round).
   */
  private readonly unread = new Set<string>();
  /**
   * Subscribers whose push_outbox may hold an entry due now: after a start, a tick, a claim that
   * was full, a claimed entry taken out (its session's next one may go), a range that queued.
   * A claim is a join and an anti-join: ~30 µs on an empty outbox, ~150 µs among leased entries,
   * whatever it finds. A retry due later waits for the next tick.
   */
  private readonly due = new Set<string>();
  /** When the last round began (ROUND_GAP_MS). */
  private roundAt = 0;
  /** When the entries of subscribers no longer configured were last looked for. */
  private sweptAt = 0;
  private round: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly unwatch: () => void;
  private readonly tick: NodeJS.Timeout;

  constructor(
    private config: PushConfig,
    private readonly feed: ChangeFeed,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {
    this.hooks = new Map(config.webhooks.map((w) => [w.name, w]));
    this.sender = new WebhookSender(config);
    this.unwatch = feed.watch((channels) => this.look(channels));
    this.tick = setInterval(() => this.look(), TICK_MS).unref();
  }

  /** Before the first change is served: each subscriber's cursors (a new one starts at the newest change). */
  async start(): Promise<void> {
    await this.feed.tx((log) => log.cursors.start(this.config.webhooks.map((w) => ({ name: w.name, channels: channelsOf(w) }))));
    this.look();
  }

  /** A round now, at the cursors on these channels, or (not known which) at every cursor and outbox. */
  private look(channels?: ReadonlySet<number>): void {
    this.mark(channels);
    this.kick();
  }

  /** What the next round looks at: the cursors on these channels, or (not known which) every cursor and outbox. */
  private mark(channels?: ReadonlySet<number>): void {
    for (const hook of this.hooks.values()) {
      if (!channels) this.due.add(hook.name);
      for (const channelId of channelsOf(hook)) if (!channels || channels.has(channelId)) this.unread.add(rangeKey(hook.name, channelId));
    }
  }

  /**
   * A new configuration (SIGHUP): its subscribers from now on. A new one starts at the newest
   * change; a removed one loses its cursor, and its waiting entries are dead-lettered when next
   * tried. POSTs under way finish on the pool they started on.
   */
  async reload(next: PushConfig): Promise<void> {
    const previous = this.sender;
    if (next.concurrency !== this.config.concurrency || next.timeoutSeconds !== this.config.timeoutSeconds) this.sender = new WebhookSender(next);
    this.config = next;
    this.hooks = new Map(next.webhooks.map((w) => [w.name, w]));
    await this.start();
    if (previous !== this.sender) void previous.close({ graceful: true });
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
  private async rounds(release: readonly Post[] = [], releaseRanges: readonly Range[] = []): Promise<void> {
    for (;;) {
      const gap = ROUND_GAP_MS - (Date.now() - this.roundAt);
      if (gap > 0) await new Promise((r) => setTimeout(r, gap));
      this.roundAt = Date.now();
      const room = this.stopped ? 0 : 2 * this.config.concurrency - this.inFlight - this.ready.length;
      const done = this.outcomes.splice(0);
      const finished = this.finished.splice(0);
      if (room <= 0 && done.length === 0 && finished.length === 0 && release.length === 0 && releaseRanges.length === 0) return;
      const now = Date.now();
      // Behind the POSTs under way and waiting, then those claimed now: as many attempt times as
      // they take at `concurrency` at once, and its own.
      const c = this.config.concurrency;
      const lease = now + (Math.ceil((this.inFlight + this.ready.length) / c) + Math.ceil(room / c) + 1) * this.attempt() + LEASE_MARGIN_MS;
      let claimed: Post[];
      try {
        claimed = await this.feed.tx(async (log) => {
          for (const o of done) await this.store(log, o);
          for (const r of finished) await this.finish(log, r);
          for (const r of releaseRanges) await log.cursors.release(r.hook.name, r.channelId);
          for (const p of release)
            await log.release(
              p.subscriber,
              p.entries.map((e) => e.change.seq),
              now,
            );
          return room > 0 ? this.claim(log, now, lease, room) : [];
        });
      } catch (e) {
        // Not kept for another try (one that cannot be stored would stop every later round): the
        // entries' leases run out and they are sent again, at least once as always.
        for (const r of finished) this.ranges.delete(r.key); // read again once its lease runs out
        this.mark(); // what this round took off the lists was not read
        this.logger.warn(done.length + finished.length > 0 ? 'webhook outcomes not stored; those changes are sent again' : 'webhook outbox unreadable', {
          error: (e as Error).message,
        });
        return;
      }
      for (const o of done) this.report(o);
      for (const r of finished) this.reportRange(r);
      release = [];
      releaseRanges = [];
      this.ready.push(...claimed);
      this.pump();
      if (claimed.length === 0 && this.outcomes.length === 0 && this.finished.length === 0) return;
    }
  }

  /**
   * Up to `room` POSTs: the subscribers in turn, each as many entries as fill its POSTs; then the
   * entries of subscribers no longer configured, which are dead-lettered as soon as they are tried.
   */
  private async claim(log: ChangeLog, now: number, lease: number, room: number): Promise<Post[]> {
    const hooks = [...this.hooks.values()];
    this.turn = (this.turn + 1) % Math.max(1, hooks.length);
    const posts: Post[] = [];
    for (let k = 0; k < hooks.length && posts.length < room; k++) {
      const hook = hooks[(this.turn + k) % hooks.length] as WebhookConfig;
      const limit = (room - posts.length) * hook.batch;
      const entries = this.due.has(hook.name) ? await log.claim(hook.name, now, lease, limit) : [];
      if (entries.length < limit) this.due.delete(hook.name);
      for (let i = 0; i < entries.length; i += hook.batch) posts.push({ subscriber: hook.name, entries: entries.slice(i, i + hook.batch) });
      for (const channelId of channelsOf(hook)) {
        if (posts.length >= room) break;
        posts.push(...(await this.readFeed(log, hook, channelId, now, this.inFlight + this.ready.length + posts.length)));
      }
    }
    // Rare (a subscriber removed from the file): looked for once a tick, not in every round.
    if (posts.length < room && now - this.sweptAt >= TICK_MS) {
      this.sweptAt = now;
      for (const name of await log.subscribers()) {
        if (this.hooks.has(name) || posts.length >= room) continue;
        for (const entry of await log.claim(name, now, lease, room - posts.length)) posts.push({ subscriber: name, entries: [entry] });
      }
    }
    return posts;
  }

  /**
   * The next changes after the subscriber's cursor on a channel (up to RANGE_POSTS × concurrency
   * POSTs of them), unless a range of it is under way here or in another process: the first wave's
   * POSTs, the cursor leased for as long as the range can take behind the `ahead` POSTs under way
   * or waiting (Range.attemptTimes). A range with nothing to send is done at once, in this
   * transaction. One range at a time per cursor: ranges large enough that the round between two
   * is not what limits a subscriber (one change per POST, one channel: 1,600 → 3,000 changes/s).
   */
  private async readFeed(log: ChangeLog, hook: WebhookConfig, channelId: number, now: number, ahead: number): Promise<Post[]> {
    const key = rangeKey(hook.name, channelId);
    if (this.ranges.has(key) || !this.unread.has(key)) return [];
    this.unread.delete(key);
    const c = this.config.concurrency;
    const limit = RANGE_POSTS * c * hook.batch;
    const read = await log.cursors.read(hook.name, channelId, now, limit);
    if (!read || read.changes.length === 0) return [];
    if (read.changes.length === limit) this.unread.add(key); // more after it
    const range = new Range(hook, channelId, read, now);
    const first = range.nextWave(now);
    if (first.length === 0) {
      await this.finish(log, range);
      return [];
    }
    await log.cursors.lease(hook.name, channelId, now + (Math.ceil(ahead / c) + range.attemptTimes(c) + 1) * this.attempt() + LEASE_MARGIN_MS);
    this.ranges.set(range.key, range);
    return first.map((entries) => ({ subscriber: hook.name, entries, range }));
  }

  /** A range answered in full: what waits into push_outbox, the dead letters, the cursor past it. */
  private async finish(log: ChangeLog, r: Range): Promise<void> {
    await log.queue(r.queued);
    if (r.queued.length > 0) this.due.add(r.hook.name);
    for (const d of r.dead) await log.deadLetter(d.entry, d.at, d.error);
    await log.cursors.advance(r.hook.name, r.channelId, r.through);
  }

  /** Once stored: counted per change, and dead letters logged. */
  private reportRange(r: Range): void {
    this.ranges.delete(r.key);
    const name = r.hook.name;
    this.metrics?.webhook(name, 'delivered', r.delivered);
    this.metrics?.webhook(name, 'failed', r.failed);
    for (const { entry, error } of r.dead) {
      this.metrics?.webhook(name, 'dead_lettered');
      this.logger.warn('webhook dead-lettered', { subscriber: name, seq: entry.change.seq, sessionId: entry.change.sessionId, attempts: 1, error });
    }
  }

  /** A POST of a range answered: the range's next wave, or the range done. */
  private rangeAnswered(range: Range, entries: readonly OutboxEntry[], error: string | undefined): void {
    const at = Date.now();
    const last = range.answered(entries, {
      error,
      at,
      retryAt: () => at + this.backoff(0),
      isDead: (entry) => this.isDead(range.hook.name, at, entry),
    });
    if (!last) return;
    const next = range.nextWave(at);
    if (next.length === 0) this.finished.push(range);
    // Ahead of what waits: the range's lease counted on its waves starting as soon as POSTs free up.
    else this.ready.unshift(...next.map((entries) => ({ subscriber: range.hook.name, entries, range })));
  }

  /** Start waiting POSTs while attempts are free. */
  private pump(): void {
    while (!this.stopped && this.inFlight < this.config.concurrency && this.ready.length > 0) {
      const post = this.ready.shift() as Post;
      this.inFlight++;
      void this.deliver(post).finally(() => {
        this.inFlight--;
        this.pump();
        this.kick();
      });
    }
  }

  private async deliver(post: Post): Promise<void> {
    const hook = this.hooks.get(post.subscriber);
    if (!hook) {
      this.outcomes.push({ post, delivered: false, error: `no webhook named ${post.subscriber} is configured any more`, at: Date.now() });
      return;
    }
    const changes = post.entries.map((e) => payload(e.change));
    const error = await this.sender.post(hook, JSON.stringify(hook.batch > 1 ? { changes } : changes[0]));
    if (post.range) return this.rangeAnswered(post.range, post.entries, error);
    this.outcomes.push(error === undefined ? { post, delivered: true } : { post, delivered: false, error, at: Date.now() });
  }

  /** A failed entry is dead once it is older than the dead-letter age (or its subscriber is gone), else tried again later. */
  private isDead(subscriber: string, at: number, entry: OutboxEntry): boolean {
    return !this.hooks.has(subscriber) || at - entry.queuedAt >= this.config.deadLetterAfterSeconds * 1000;
  }

  private async store(log: ChangeLog, o: Outcome): Promise<void> {
    const { subscriber, entries } = o.post;
    this.due.add(subscriber); // out of push_outbox or due later: the session's next entry may be due
    if (o.delivered)
      return log.delivered(
        subscriber,
        entries.map((e) => e.change.seq),
      );
    for (const entry of entries) {
      if (this.isDead(subscriber, o.at, entry)) await log.deadLetter(entry, o.at, o.error);
      else await log.retry(subscriber, entry.change.seq, o.at + this.backoff(entry.attempts), o.error);
    }
  }

  /** Once stored: counted (per change), and a dead letter logged. */
  private report(o: Outcome): void {
    const { subscriber, entries } = o.post;
    for (const entry of entries) {
      const { change, attempts } = entry;
      if (o.delivered) {
        this.metrics?.webhook(subscriber, 'delivered');
      } else if (this.isDead(subscriber, o.at, entry)) {
        this.metrics?.webhook(subscriber, 'dead_lettered');
        this.logger.warn('webhook dead-lettered', { subscriber, seq: change.seq, sessionId: change.sessionId, attempts: attempts + 1, error: o.error });
      } else {
        this.metrics?.webhook(subscriber, 'failed');
        this.logger.debug('webhook attempt failed', { subscriber, seq: change.seq, attempts: attempts + 1, error: o.error });
      }
    }
  }

  /** The longest one attempt takes. */
  private attempt(): number {
    return this.config.timeoutSeconds * 1000;
  }

  /** Exponential, capped, with jitter (between half and all of the step) so that retries of many entries spread out. */
  private backoff(attempts: number): number {
    const { initialSeconds, maxSeconds } = this.config.retry;
    const step = Math.min(maxSeconds, initialSeconds * 2 ** attempts) * 1000;
    return Math.round(step / 2 + Math.random() * (step / 2)); // whole milliseconds: next_at is a BIGINT
  }

  /**
   * Stop claiming; the outcomes already known are stored (what was delivered is not sent again)
   * and the entries and cursors claimed but not done are let go (the next process takes them at once).
   * An attempt still under way is cut: sent again once its lease runs out.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch();
    clearInterval(this.tick);
    await this.round;
    const waiting = this.ready.splice(0).filter((p) => !p.range);
    const unfinished = [...this.ranges.values()].filter((r) => !this.finished.includes(r));
    if (this.outcomes.length > 0 || this.finished.length > 0 || waiting.length > 0 || unfinished.length > 0) await this.rounds(waiting, unfinished);
    await this.sender.close();
  }
}
