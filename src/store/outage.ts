import { StoreError } from './store.js';

/** Where a store reports its outages: the bridge's logger (any object with these two methods). */
export interface StoreLog {
  error(message: string, meta: Record<string, unknown>): unknown;
  warn(message: string, meta: Record<string, unknown>): unknown;
}

/**
 * Whether a store is failing, decided by what its operations and readiness probes meet, and said
 * in the log once when an outage begins (with its cause) and once when it ends, however many
 * calls fail in between. Only a write begun after the outage began ends it: one that was already
 * in flight, or a read (a full disk still serves reads), proves nothing about writing now.
 */
export class OutageWatch {
  private issued = 0;
  /** The last operation issued when the outage began; undefined while the store works. */
  private failedAfter: number | undefined;
  private since = 0;

  constructor(
    private readonly meta: { store: 'sqlite' | 'postgres'; where: string },
    private readonly log: StoreLog | undefined,
  ) {}

  get failing(): boolean {
    return this.failedAfter !== undefined;
  }

  /** Run one store operation; `write`: its success shows the store can serve writes. */
  async around<T>(write: boolean, run: () => Promise<T>): Promise<T> {
    const ticket = ++this.issued;
    try {
      const value = await run();
      if (write) this.worked(ticket);
      return value;
    } catch (e) {
      if (e instanceof StoreError) this.failed(e);
      throw e;
    }
  }

  private failed(e: StoreError): void {
    if (this.failedAfter !== undefined) return;
    this.failedAfter = this.issued;
    this.since = Date.now();
    this.log?.error('the session store is failing: calls that need it answer DATABASE_ERROR and /readyz 503 until it works again', {
      ...this.meta,
      cause: e.message,
    });
  }

  private worked(ticket: number): void {
    if (this.failedAfter === undefined || ticket <= this.failedAfter) return;
    this.failedAfter = undefined;
    this.log?.warn('the session store works again', { ...this.meta, outageSeconds: (Date.now() - this.since) / 1000 });
  }
}
