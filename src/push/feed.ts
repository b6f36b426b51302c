import type { ChangeLog, SessionChange, Store } from '../store/index.js';

/** How often a PostgreSQL process looks for changes other processes committed. */
const POLL_MS = 500;

/** Told of a commit: the channels it changed, or undefined when they are not known (another process's, on PostgreSQL). */
export type Watcher = (channels?: ReadonlySet<number>) => void;

/** What integrators are sent of a change (webhook body, SSE data): the checkSession fields, `at` as ISO 8601, and `seq`. */
export function payload(c: SessionChange): Record<string, unknown> {
  return {
    sessionId: c.sessionId,
    channelId: c.channelId,
    serviceId: c.serviceId,
    status: c.status,
    ...(c.username !== undefined ? { username: c.username } : {}),
    customMessage: c.customMessage,
    at: new Date(c.at).toISOString(),
    seq: c.seq,
  };
}

/**
 * The change feed of sessions as the push parts read it: the store's change log, and a wake-up
 * for whoever waits on it. A change committed in this process wakes them at once (recording.ts);
 * on PostgreSQL, one committed by another process is noticed by a short poll of the newest seq,
 * which runs only while someone watches.
 */
export class ChangeFeed {
  private readonly watchers = new Map<Watcher, (() => void) | undefined>();
  private poll: NodeJS.Timeout | undefined;
  private newest = 0;

  constructor(
    private readonly store: Store,
    /** Comment lines on idle event streams, so proxies and browsers keep them open. */
    readonly heartbeatSeconds = 15,
  ) {}

  read<T>(fn: (log: ChangeLog) => Promise<T>): Promise<T> {
    return this.store.read((tx) => fn(tx.changeLog()));
  }

  tx<T>(fn: (log: ChangeLog) => Promise<T>): Promise<T> {
    return this.store.tx((tx) => fn(tx.changeLog()));
  }

  /** Something was committed (on these channels; unknown: any): every watcher looks now. */
  wake(channels?: ReadonlySet<number>): void {
    for (const listener of this.watchers.keys()) listener(channels);
  }

  /** Call `listener` on every wake-up, and `ended` when the feed closes; the returned function stops it. */
  watch(listener: Watcher, ended?: () => void): () => void {
    this.watchers.set(listener, ended);
    if (this.store.kind === 'postgres') this.poll ??= setInterval(() => void this.look(), POLL_MS).unref();
    return () => {
      this.watchers.delete(listener);
      if (this.watchers.size === 0) this.stopPolling();
    };
  }

  /** The bridge stops: streams end (their clients reconnect to another process, resuming where they were). */
  close(): void {
    const ended = [...this.watchers.values()];
    this.watchers.clear();
    this.stopPolling();
    for (const end of ended) end?.();
  }

  private stopPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }

  private async look(): Promise<void> {
    const last = await this.read((log) => log.last()).catch(() => this.newest); // an outage: the store's own watch reports it
    if (last > this.newest) {
      this.newest = last;
      this.wake();
    }
  }
}
