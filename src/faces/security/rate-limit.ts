import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Per-client request budget (rate-limiter-flexible, in memory, per process): `burst` requests per
 * window of burst / requestsPerSecond seconds. A client is its credential when it sent one, else
 * its IP (X-Forwarded-For only when the proxy is trusted).
 */
export class RateLimit {
  private readonly limiter: RateLimiterMemory;

  constructor(options: { requestsPerSecond: number; burst: number }) {
    this.limiter = new RateLimiterMemory({ points: options.burst, duration: Math.max(1, Math.ceil(options.burst / options.requestsPerSecond)) });
  }

  /** undefined when allowed; otherwise the seconds to wait. */
  async check(client: string): Promise<number | undefined> {
    try {
      await this.limiter.consume(client);
      return undefined;
    } catch (e) {
      if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw e;
    }
  }
}
