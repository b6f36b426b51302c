import type { AgentDesk } from '../../backends/agent-desk.js';
import type { AgentEvent } from '../../backends/agent-desk.js';

export type AgentEventListener = (e: AgentEvent) => void;

/** Listen under this name to hear every agent's events (supervisor views). */
export const EVERYONE = '*';

/**
 * The push faces' view of the agent event log (Genesys CometD, XiVO WebSocket): one query per
 * interval for everyone's new events, handed to the listeners of each agent. Events come from the
 * store, so changes made by any bridge process reach the agents connected to this one.
 *
 * With PostgreSQL, ids are handed out before commit, so a lower id can appear after a higher one.
 * The feed therefore re-reads a settling window behind the newest events and remembers which ids it
 * has delivered, instead of trusting "greater than the last id seen".
 */
export class AgentEventFeed {
  private readonly listeners = new Map<string, Set<AgentEventListener>>();
  private readonly delivered = new Set<number>();
  private floor = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly batch = 1000;
  /** Wake-ups of the waiting polls (`next`), so a shutdown answers them at once. */
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly engine: AgentDesk,
    private readonly options: { intervalMs: number; settleMs: number } = { intervalMs: 50, settleMs: 2000 },
  ) {}

  /** Listen to one agent's events from now on; returns the way to stop. */
  async on(username: string, listener: AgentEventListener): Promise<() => void> {
    if (this.listeners.size === 0 && !this.closed) await this.restart();
    let set = this.listeners.get(username);
    if (!set) this.listeners.set(username, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(username);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /**
   * Wait for the next event of one agent, at most `ms`; register before reading the store, so an
   * event committed in between still wakes the waiter. `cancel` stops waiting.
   */
  async next(username: string, ms: number): Promise<{ woken: Promise<void>; cancel: () => void }> {
    if (this.closed) return { woken: Promise.resolve(), cancel: () => undefined };
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const stop = await this.on(username, () => wake());
    const timer = setTimeout(() => wake(), ms);
    this.waiters.add(wake);
    const cancel = () => {
      clearTimeout(timer);
      this.waiters.delete(wake);
      stop();
      wake();
    };
    void woken.then(cancel);
    return { woken, cancel };
  }

  /** The bridge is stopping: every waiting poll wakes now, and later ones do not wait. */
  get closing(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.stop();
    for (const wake of [...this.waiters]) wake();
  }

  /** First listener: start from the newest event, so nobody is told old news. */
  private async restart(): Promise<void> {
    const last = await this.engine.lastEventId();
    this.floor = last.ok ? last.value : 0;
    this.delivered.clear();
    this.timer ??= setInterval(() => void this.poll(), this.options.intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const found = await this.engine.recentEvents(this.floor, this.batch);
      if (!found.ok) return; // the store is down: try again next interval
      const settled = Date.now() - this.options.settleMs;
      let floor = this.floor;
      for (const e of found.value) {
        if (!this.delivered.has(e.id)) {
          this.delivered.add(e.id);
          for (const l of this.listeners.get(e.username) ?? []) l(e);
          for (const l of this.listeners.get(EVERYONE) ?? []) l(e);
        }
        if (e.at < settled) floor = Math.max(floor, e.id);
      }
      // A full batch means a burst: move past it rather than re-read it until it settles.
      if (found.value.length === this.batch) floor = found.value[found.value.length - 1]?.id ?? floor;
      this.floor = floor;
      for (const id of this.delivered) if (id <= floor) this.delivered.delete(id);
    } finally {
      this.polling = false;
    }
  }
}
