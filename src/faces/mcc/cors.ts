import type { Middleware } from 'koa';
import type { SecurityConfig } from '../../config/index.js';
import type { MccState } from './route.js';

export type CorsConfig = NonNullable<SecurityConfig['cors']>;

/** What a page may send: the JSON body's type and the face's own credentials, sent explicitly. */
const ALLOWED_HEADERS = 'Content-Type, Authorization, X-API-Key';
/** What a page may read beyond the CORS-safelisted headers: the hints the refusals carry. */
const EXPOSED_HEADERS = 'Allow, Retry-After, WWW-Authenticate, X-Request-Id';

/**
 * CORS for the MCC REST face, for web pages (a LiveHelp chat widget) calling it from their own
 * origin. Only configured origins get the headers; a request from any other origin is served as
 * before, without them, and the browser keeps the answer from the page.
 *
 * Preflights are answered before the credentials guard: browsers never send credentials on a
 * preflight (Fetch standard), and the answer reveals only the method and headers the path takes.
 * The actual request is guarded as every call is; pages send Authorization or X-API-Key
 * themselves, which the preflight allows. `allowCredentials` is only for pages that rely on what
 * the browser holds (cookies, cached HTTP Basic): then the origin is echoed, never `*`.
 */
export class Cors {
  constructor(private readonly config: CorsConfig) {}

  /** The Access-Control-Allow-Origin value for this Origin, or undefined when it is not allowed. */
  private allowed(origin: string): string | undefined {
    if (!origin) return undefined;
    if (this.config.origins.includes('*')) return '*';
    return this.config.origins.includes(origin) ? origin : undefined;
  }

  /** On every answer of the REST face, refusals included, so that the page can read why. */
  readonly headers: Middleware<MccState> = (ctx, next) => {
    ctx.vary('Origin');
    const allow = this.allowed(ctx.get('origin'));
    if (allow) {
      ctx.set('Access-Control-Allow-Origin', allow);
      if (this.config.allowCredentials) ctx.set('Access-Control-Allow-Credentials', 'true');
      ctx.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    return next();
  };

  /**
   * `OPTIONS` with Origin and Access-Control-Request-Method on an operation path: 204 naming the
   * path's method. Anything else goes on to the face's answer for that path (405 with Allow).
   */
  preflight(method: string): Middleware<MccState> {
    return (ctx, next) => {
      if (!ctx.get('access-control-request-method') || !this.allowed(ctx.get('origin'))) return next();
      ctx.set('Access-Control-Allow-Methods', method);
      ctx.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      ctx.set('Access-Control-Max-Age', String(this.config.maxAgeSeconds));
      ctx.status = 204;
      return undefined;
    };
  }
}
