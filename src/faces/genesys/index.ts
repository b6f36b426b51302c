import { ServerResponse } from 'node:http';
import Router from '@koa/router';
import type Koa from 'koa';
import type { Context } from 'koa';
import type { Logger } from '../../log/logger.js';
import { fail } from '../../reasons/index.js';
import type { AgentFace, AgentFaceDeps } from '../agents/face.js';
import { Refusal } from '../agents/refusal.js';
import { baseUrl, BodyError, type FaceState } from '../http.js';
import { signedIn, tooMany } from './auth.js';
import { CorsPolicy } from './cors.js';
import { operationLabel } from './operations.js';
import { GenesysNotifications } from './cometd.js';
import { genesysRoutes } from './routes.js';
import { failed, type Body, type GenesysContext, type GenesysState } from './wire.js';
import { perClientLimit, refusedUpgrade } from '../security/index.js';

export interface GenesysFaceOptions extends AgentFaceDeps {
  logger: Logger;
  publicUrl?: string | undefined;
  /** Origins whose pages may call the face (CORS on REST and CometD); empty: none. */
  allowedOrigins: readonly string[];
}

/** What the face's handlers share. */
export interface GenesysFace extends GenesysFaceOptions {
  /** The base URL resources are named by in an answer to this request. */
  base(ctx: Context): string;
  /** Publish a GWS notification to one user (CometD). */
  notify(username: string, topic: string, data: Body): void;
}

/**
 * The Genesys Web Services (GWS v2) face of the embedded engine, for agent desktops: HTTP Basic on
 * every request or the JSESSIONID cookie it sets (auth.ts), the session and agent-state operations
 * on /api/v2/me and the interactions API of seed 003 (routes.ts, interactions.ts), notifications
 * over CometD (cometd.ts, events.ts). Replies carry GWS statusCodes from the shared catalog.
 */
export function genesysFace(options: GenesysFaceOptions): AgentFace {
  const face: GenesysFace = {
    ...options,
    base: (ctx) => baseUrl(ctx, options.publicUrl),
    notify: (username, topic, data) => notifications.notify(username, topic, data),
  };
  const cors = new CorsPolicy(options.allowedOrigins);
  const notifications = new GenesysNotifications(face, cors, options.logger);
  const router = new Router<GenesysState>({ prefix: '/api/v2' });
  // CORS first (a preflight carries no credentials), then the error boundary, the JSON-only rule,
  // who calls, and the request budget keyed by who that is.
  router.use(cors.middleware, genesysErrors, jsonBodies, signedIn(face));
  const { rateLimit } = options.security;
  if (rateLimit) router.use(perClientLimit<GenesysState>(rateLimit, (ctx, waitSeconds) => tooMany(ctx as GenesysContext, waitSeconds, 'Too many requests')));
  genesysRoutes(router, face);
  let app: Koa | undefined;

  return {
    install(into) {
      app = into;
      into.use<FaceState>(async (ctx, next) => {
        if (!notifications.handles(ctx.path)) return next();
        ctx.state.face = 'genesys';
        ctx.respond = false; // faye answers on the raw response
        ctx.status = 200;
        await notifications.handle(ctx.req, ctx.res, face.base(ctx), ctx.ip);
      });
      into.use(router.routes());
    },
    handleUpgrade(req, socket, head) {
      if (!app || !notifications.handles(new URL(req.url ?? '/', 'http://x').pathname)) return false;
      // Koa's own reading of the upgrade request's origin (X-Forwarded-* only behind a trusted proxy).
      const ctx = app.createContext(req, new ServerResponse(req));
      const take = async () => {
        if (!(await refusedUpgrade(options.security.rateLimit, ctx.ip, socket))) await notifications.handleUpgrade(req, socket, head, face.base(ctx), ctx.ip);
      };
      take().catch(() => socket.destroy());
      return true;
    },
    close: () => notifications.close(),
  };
}

/**
 * The face's one error boundary: refused fields and unreadable bodies as GWS statusCodes. The
 * operation label of the logs and metrics comes from the closed set of GWS operations only.
 */
async function genesysErrors(ctx: GenesysContext, next: () => Promise<unknown>): Promise<void> {
  ctx.state.face = 'genesys';
  try {
    await next();
  } catch (e) {
    if (e instanceof Refusal) return failed(ctx, e.failure);
    if (e instanceof BodyError) return failed(ctx, fail('INVALID_PARAMETER', e.message));
    throw e;
  } finally {
    ctx.state.operation = operationLabel(ctx.state.operation);
  }
}

/**
 * POST and PUT bodies must say they are JSON: a browser sends `text/plain` cross-site without
 * asking (no CORS preflight), so accepting it would let any web page act as a signed-in agent.
 * Answered before the caller is looked at, as HTTP 415 with the GWS failure body.
 */
async function jsonBodies(ctx: GenesysContext, next: () => Promise<unknown>): Promise<void> {
  // type-is: false for a body of another type, null for no body at all (nothing to forge).
  if ((ctx.method === 'POST' || ctx.method === 'PUT') && ctx.is('application/json', '+json') === false) {
    failed(ctx, fail('INVALID_PARAMETER', `Content-Type must be application/json, not ${ctx.get('content-type').split(';')[0] || 'none'}`));
    ctx.status = 415;
    return;
  }
  await next();
}
