import type { IncomingMessage } from 'node:http';
import type { GenesysContext } from './wire.js';

/**
 * Cross-origin desktops (issue 12 point 10): a Workspace-style desktop served from another origin
 * calls GWS with `withCredentials: true` and Basic on every request (chaosloth/genesys-concierge-ui
 * js/gws/lib/http.js), so the browser first sends a preflight. GWS serves such desktops through
 * its CORS settings, whose exposed headers must name the CSRF pair
 * (https://enu.docs.genesys.com/Documentation/GWS/8.5.2/API/CSRFProtection, genesys.md §2). Here the
 * allowed origins are `faces.genesys.allowedOrigins`, empty (same origin only) by default; the same
 * list lets those origins reach the CometD endpoint (cometd.ts).
 */
export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(allowed: readonly string[]) {
    this.origins = new Set(allowed.map((o) => new URL(o).origin));
  }

  /** A request from a page of another origin than `base`, not on the list. */
  refuses(req: IncomingMessage, base: string): boolean {
    const origin = req.headers.origin;
    return origin !== undefined && origin !== new URL(base).origin && !this.origins.has(origin);
  }

  /**
   * The REST routes' CORS: an allowed origin's preflight is answered here, before any credentials
   * (a browser sends none with it); its other requests get the headers that let the page read the
   * answer. Other origins get no CORS headers, so the browser keeps the answer from the page.
   */
  readonly middleware = async (ctx: GenesysContext, next: () => Promise<unknown>): Promise<void> => {
    const origin = ctx.get('origin');
    ctx.vary('Origin');
    if (!origin || !this.origins.has(origin)) return void (await next());
    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Allow-Credentials', 'true');
    if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method')) {
      ctx.set('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
      ctx.set('Access-Control-Allow-Headers', ctx.get('access-control-request-headers') || 'Authorization, Content-Type');
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    // Readable by the page: the CSRF pair GWS names for CORS (genesys.md §2) and Retry-After.
    ctx.set('Access-Control-Expose-Headers', 'X-CSRF-HEADER, X-CSRF-TOKEN, Retry-After');
    await next();
  };
}
