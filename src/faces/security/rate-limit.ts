import type { RateLimiterMemory } from 'rate-limiter-flexible';

/**
 * Per-client request budget (rate-limiter-flexible, in memory, per process): `burst` requests per
 * window of burst / requestsPerSecond seconds. A client is its credential when it sent one, else
 * its IP (X-Forwarded-For only when the proxy is trusted).
 */
export class RateLimit {
  // Loaded with the first request: a bridge without a limit does not carry the library.
  private readonly limiter: Promise<{ limiter: RateLimiterMemory; Res: typeof import('rate-limiter-flexible').RateLimiterRes }>;

  constructor(options: { requestsPerSecond: number; burst: number }) {
    this.limiter = import('rate-limiter-flexible').then(({ RateLimiterMemory, RateLimiterRes }) => ({
      limiter: new RateLimiterMemory({ points: options.burst, duration: Math.max(1, Math.ceil(options.burst / options.requestsPerSecond)) }),
      Res: RateLimiterRes,
    }));
  }

  /** undefined when allowed; otherwise the seconds to wait. */
  async check(client: string): Promise<number | undefined> {
    const { limiter, Res } = await this.limiter;
    try {
      await limiter.consume(client);
      return undefined;
    } catch (e) {
      if (e instanceof Res) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw e;
    }
  }
}
