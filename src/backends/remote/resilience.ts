import CircuitBreaker from 'opossum';
import { fail, ok, platformFailure, type Outcome } from '../../reasons/index.js';
import { VendorError } from './errors.js';

export interface ResilienceOptions {
  /** Whole budget of one bridge operation on the vendor, retries included. */
  deadlineMs: number;
  /** Failures in the rolling window before the breaker opens. */
  breakerFailures: number;
  /** How long an open breaker refuses before it lets one call try again. */
  breakerResetMs: number;
}

/**
 * Every call to a vendor goes through here: a deadline (its AbortSignal reaches the socket), one
 * retry of idempotent reads within the same deadline, and a circuit breaker (opossum) that fails
 * fast while the vendor is down. The result is always an Outcome in the shared vocabulary: a slow
 * or dead vendor becomes TIMEOUT or UNAVAILABLE in time, never a hang and never an exception.
 */
export class Resilience {
  private readonly breaker: CircuitBreaker<[(signal: AbortSignal) => Promise<unknown>, AbortSignal], unknown>;

  constructor(private readonly options: ResilienceOptions) {
    this.breaker = new CircuitBreaker((work: (signal: AbortSignal) => Promise<unknown>, signal: AbortSignal) => work(signal), {
      timeout: false, // the deadline's AbortSignal does it, and cancels the request too
      volumeThreshold: options.breakerFailures,
      errorThresholdPercentage: 50,
      resetTimeout: options.breakerResetMs,
      rollingCountTimeout: 10_000,
      // A refusal is the vendor working normally: only platform failures count.
      errorFilter: (e: unknown) => e instanceof VendorError && !platformFailure(e.reason),
    });
  }

  private readonly failureListeners: Array<(reason: string) => void> = [];

  /** Hear the reason of every failed call (metrics). */
  onFailure(listener: (reason: string) => void): void {
    this.failureListeners.push(listener);
  }

  /** Is the breaker letting calls through? */
  get open(): boolean {
    return this.breaker.opened;
  }

  onStateChange(listener: (state: 'open' | 'halfOpen' | 'close') => void): void {
    this.breaker.on('open', () => listener('open'));
    this.breaker.on('halfOpen', () => listener('halfOpen'));
    this.breaker.on('close', () => listener('close'));
  }

  /** Run a vendor call; `read` calls are retried once on a platform failure if time remains. */
  async call<T>(kind: 'read' | 'write', work: (signal: AbortSignal) => Promise<T>): Promise<Outcome<T>> {
    const signal = AbortSignal.timeout(this.options.deadlineMs);
    const attempts = kind === 'read' ? 2 : 1;
    let last: Outcome<T> = fail('UNAVAILABLE');
    for (let i = 0; i < attempts; i++) {
      try {
        return ok((await this.breaker.fire(work as (s: AbortSignal) => Promise<unknown>, signal)) as T);
      } catch (e) {
        last = toFailure(e, signal);
        if (!last.ok) for (const l of this.failureListeners) l(last.reason);
        if (!platformFailure(last.ok ? 'INTERNAL' : last.reason) || signal.aborted || this.breaker.opened) break;
      }
    }
    return last;
  }

  shutdown(): void {
    this.breaker.shutdown();
  }
}

function toFailure(e: unknown, signal: AbortSignal): Outcome<never> {
  const err = e as { code?: string; name?: string; message?: string };
  if (e instanceof VendorError) return fail(e.reason, e.message);
  if (err.code === 'EOPENBREAKER') return fail('UNAVAILABLE', 'the contact center is failing: calls are paused for a moment (circuit open)');
  if (signal.aborted || err.name === 'TimeoutError' || err.name === 'AbortError')
    return fail('TIMEOUT', 'the contact center did not answer within the deadline');
  if (e instanceof SyntaxError) return fail('INVALID_RESPONSE', `the contact center answered something unreadable: ${err.message}`);
  return fail('UNAVAILABLE', `the contact center cannot be reached: ${err.message ?? String(e)}`);
}
