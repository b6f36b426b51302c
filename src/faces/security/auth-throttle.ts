import type { RateLimiterMemory } from 'rate-limiter-flexible';

export interface AuthThrottleOptions {
  /** Failed authentications from one IP within the window before that IP is refused. */
  perIp: number;
  /** Failed authentications naming one username within the window before that username is refused. */
  perUsername: number;
  windowSeconds: number;
}

/**
 * Failed authentications, counted on every door (MCC Basic / API key / WS-Security, and each agent
 * face's sign-in), per IP and per username. Past either budget, attempts are refused before any
 * secret is compared, until the window has passed: guessing costs the guesser, not the CPU. The
 * count is in memory, per process (a cluster multiplies the budget by its processes).
 *
 * Per username as well as per IP: an attacker spread over many addresses still meets the username's
 * budget. The price is that such an attacker can keep one username locked for a window; a lockout
 * that ends by itself is the usual trade (OWASP's authentication cheat sheet, "account lockout").
 */
export class AuthThrottle {
  private readonly limiters: Promise<{ ip: RateLimiterMemory; user: RateLimiterMemory }>;

  constructor(private readonly options: AuthThrottleOptions) {
    this.limiters = import('rate-limiter-flexible').then(({ RateLimiterMemory }) => ({
      ip: new RateLimiterMemory({ keyPrefix: 'ip', points: options.perIp, duration: options.windowSeconds }),
      user: new RateLimiterMemory({ keyPrefix: 'user', points: options.perUsername, duration: options.windowSeconds }),
    }));
  }

  /** Seconds until an attempt from `ip` for `username` may be checked again; undefined when it may be now. */
  async blocked(ip: string, username?: string): Promise<number | undefined> {
    const { ip: byIp, user } = await this.limiters;
    const waits = await Promise.all([
      byIp.get(ip).then((r) => (r && r.consumedPoints >= this.options.perIp ? r.msBeforeNext : 0)),
      username === undefined ? 0 : user.get(username).then((r) => (r && r.consumedPoints >= this.options.perUsername ? r.msBeforeNext : 0)),
    ]);
    const ms = Math.max(...waits);
    return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : undefined;
  }

  /** Count a failed attempt. */
  async failed(ip: string, username?: string): Promise<void> {
    const { ip: byIp, user } = await this.limiters;
    // penalty() adds points without throwing when the budget is spent (consume() would reject).
    await Promise.all([byIp.penalty(ip), username === undefined ? undefined : user.penalty(username)]);
  }
}
