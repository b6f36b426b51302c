import type { EngineContext } from './context.js';
import { event } from './context.js';
import { encodeNotReady, NO_ANSWER } from '../not-ready.js';
import { requeue, route } from './transitions.js';

/**
 * What happens with time: unanswered offers go back to their queues, lapsed agent-face sessions
 * sign their agents out, CLOSED sessions past retention are forgotten. Every process runs the
 * timer; each expiry is its own transaction, re-checked under the channel lock, so two processes
 * never fire the same one twice.
 */
export class EngineTimers {
  private timer: NodeJS.Timeout | undefined;
  private lastSweep = 0;
  private ticking = false;

  constructor(
    private readonly e: EngineContext,
    /** Lapsed agent-face sessions expired (and their agents signed out). */
    private readonly expireAgentSessions: () => Promise<unknown>,
  ) {}

  /** Fire what is already due (it may have come due while no process ran), then keep firing. */
  async start(): Promise<void> {
    await this.tick();
    const every = Math.min(1000, Math.max(20, (this.e.settings.offerTimeoutSeconds * 1000) / 4));
    this.timer = setInterval(() => void this.tick(), every).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Fire expired offers; purge CLOSED sessions past retention once a minute. One tick at a time. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.expireOffers();
      await this.expireAgentSessions();
      if (this.e.now() - this.lastSweep >= 60_000) {
        this.lastSweep = this.e.now();
        await this.sweep(this.e.now());
      }
    } catch {
      // Typically the store is down: the next tick tries again, and requests report
      // DATABASE_ERROR meanwhile. The timer must outlive any single failure.
    } finally {
      this.ticking = false;
    }
  }

  /** Unanswered offers back to their queues (the agent is away: not ready on that channel). */
  async expireOffers(): Promise<number> {
    const { store, now } = this.e;
    const due = await store.read((tx) => tx.expiredOffers(now(), 100));
    let fired = 0;
    for (const candidate of due) {
      fired += await store.tx(async (tx) => {
        await tx.lockChannel(candidate.channelId);
        const s = await tx.getSession(candidate.id);
        if (!s || s.status !== 'BOOKED' || s.agent === undefined || (s.offerExpiresAt ?? Infinity) > now()) return 0;
        const username = s.agent;
        await requeue(this.e, tx, s, 'original', 'no answer');
        const row = await tx.agentChannel(username, s.channelId);
        if (row) {
          await tx.upsertAgentChannel({ ...row, ready: false, reason: encodeNotReady(NO_ANSWER) });
          await event(this.e, tx, username, 'NOT_READY', { channelId: s.channelId, reason: encodeNotReady(NO_ANSWER) });
        }
        await route(this.e, tx, s.channelId);
        return 1;
      });
    }
    return fired;
  }

  /** Forget CLOSED sessions older than the retention; how many. */
  sweep(now: number): Promise<number> {
    return this.e.store.tx((tx) => tx.purgeClosed(now - this.e.settings.closedRetentionHours * 3_600_000));
  }
}
