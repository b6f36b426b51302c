import type { Duplex } from 'node:stream';
import type { Middleware, ParameterizedContext } from 'koa';
import type { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { FaceState } from '../http.js';

/**
 * Per-client request budget (rate-limiter-flexible, in memory, per process): `burst` requests per
 * window of burst / requestsPerSecond seconds. A client is who it authenticated as (so the budget
 * runs after a door's credentials check), else its IP (X-Forwarded-For only when the proxy is trusted).
 */
export class RateLimit {
  // Loaded with the first request: a bridge without a limit does not carry the library.
  private readonly limiter: Promise<{ limiter: RateLimiterMemory; Res: typeof RateLimiterRes }>;

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

/**
 * The client a request counts against: who it authenticated as, else its IP. Never a header the
 * client sent and nobody checked: a made-up credential or Guid would be a fresh budget each time.
 */
function clientOf(ctx: ParameterizedContext<FaceState>): string {
  return ctx.state.principal ? `p:${ctx.state.principal}` : `ip:${ctx.ip}`;
}

/** The per-client budget as a middleware; past it, `refuse` answers (or throws for the face's error boundary). */
export function perClientLimit<S extends FaceState>(limit: RateLimit, refuse: (ctx: ParameterizedContext<S>, waitSeconds: number) => void): Middleware<S> {
  return async function perClientLimit(ctx, next) {
    const wait = await limit.check(clientOf(ctx));
    if (wait === undefined) return next();
    refuse(ctx, wait);
  };
}

/**
 * A WebSocket upgrade is one request to the budget, its IP's (who is asking is only known once the
 * face has read the token). Past the budget, the 429 a browser's WebSocket reports as a failed
 * connection, then the socket is closed; true when refused.
 */
export async function refusedUpgrade(limit: RateLimit | undefined, ip: string, socket: Duplex): Promise<boolean> {
  const wait = limit ? await limit.check(`ip:${ip}`) : undefined;
  if (wait === undefined) return false;
  socket.end(`HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${wait}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  return true;
}
