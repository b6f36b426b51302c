import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { MccBridge } from '../../bridge/index.js';
import type { Logger } from '../../log/logger.js';
import type { AuthThrottle } from '../security/auth-throttle.js';
import type { Credentials } from '../security/credentials.js';
import { perClientLimit, type RateLimit } from '../security/rate-limit.js';
import { rememberedRoutes } from '../dispatch.js';
import { answerErrors } from './boundary.js';
import { eventRoutes } from './events.js';
import { Cors, type CorsConfig } from './cors.js';
import { requireCredentials } from './guard.js';
import { headRefused, tooManyRequests } from './refusals.js';
import { restRoutes } from './rest.js';
import type { MccRoute, MccState } from './route.js';
import { soapRoutes } from './soap.js';

export interface MccFaceOptions {
  bridge: MccBridge;
  credentials: Credentials;
  throttle: AuthThrottle;
  rateLimit?: RateLimit | undefined;
  targetNamespace: string;
  publicUrl?: string | undefined;
  bodyLimit: number;
  /** CORS for the REST face; off when absent. */
  cors?: CorsConfig | undefined;
  logger: Logger;
}

/** HEAD never runs an operation (after the guard: unauthenticated callers learn nothing about the path, as for other methods). */
const refuseHead = (allow: string): Middleware<MccState> =>
  function refuseHead(ctx, next) {
    if (ctx.method === 'HEAD') throw headRefused(allow);
    return next();
  };

/**
 * The MCC face (SOAP + WSDL, REST + WADL + OpenAPI), each route with the same stack in this order:
 * one error boundary answering in the route's dialect (which first names the face), the CORS
 * headers (REST, when configured), the route's own reading step, its credentials guard when the route needs one
 * (failed attempts throttled per IP and username), the per-client rate limit (keyed by who
 * authenticated, else the IP), the HEAD refusal on operations, its handler.
 * Credentials are decided by the route that matched — the router's own matching (case-insensitive,
 * a trailing slash allowed) — never by comparing paths.
 */
export function mccFace(options: MccFaceOptions) {
  const { credentials, throttle, rateLimit, logger } = options;
  const cors = options.cors ? new Cors(options.cors) : undefined;
  const router = new Router<MccState>();
  const limit = rateLimit
    ? [
        perClientLimit<MccState>(rateLimit, (_ctx, waitSeconds) => {
          throw tooManyRequests(waitSeconds);
        }),
      ]
    : [];
  const guarded = (route: MccRoute) =>
    route.credentials === 'calls' ? credentials.enabled : route.credentials === 'contracts' && credentials.protectsContracts;

  const read = (route: MccRoute) => (route.read ? [route.read] : []);
  for (const route of [...soapRoutes(options), ...eventRoutes({ ...options, cors }), ...restRoutes({ ...options, cors })]) {
    const stack: Array<Middleware<MccState>> = [
      answerErrors(route.dialect, logger, route.face),
      ...(cors && route.face === 'rest' ? [cors.headers] : []),
      // Without a guard the budget is the IP's and can be spent before any reading; with one, it is
      // the principal's, known only once the guard (after the reading: WS-Security) has decided.
      ...(guarded(route)
        ? [
            ...read(route),
            requireCredentials<MccState>(credentials, throttle, { missing: route.missing ?? 'credentials are required', token: route.token }),
            ...limit,
          ]
        : [...limit, ...read(route)]),
      ...(route.runsOperation && route.methods !== 'all' ? [refuseHead(route.methods.join(', '))] : []),
      route.handle,
    ];
    const path = route.path instanceof RegExp || typeof route.path === 'string' ? route.path : [...route.path];
    if (route.methods === 'all') router.all(path, ...stack);
    else router.register(path, [...route.methods], stack, { pathAsRegExp: path instanceof RegExp });
  }
  // The MCC face's handlers read no route parameters: its matched stacks are kept.
  return rememberedRoutes(router, 'kept');
}
