import Router from '@koa/router';
import type { Context } from 'koa';
import type { AgentDesk } from '../../backends/agent-desk.js';
import { xivoErrors, type Failure } from '../../reasons/index.js';
import type { AgentRoster } from '../../backends/agent-desk.js';
import { BodyError, readJson, type FaceState } from '../http.js';

export const XIVO_FACE = 'xivo';

/**
 * XUC token authentication (xivo.md §1.1): POST /xuc/api/2.0/auth/login with {login, password}
 * answers {login, token, TTL}; GET /xuc/api/2.0/auth/check with the Bearer token answers a fresh
 * token. Errors are {error, message} with the XUC error names of the shared catalog.
 */
export function xivoAuthRoutes(options: { engine: AgentDesk; directory: AgentRoster; bodyLimit: number; tokenTtlMs: number }): Router {
  const { engine, directory: dir } = options;
  const router = new Router({ prefix: '/xuc/api/2.0/auth' });
  const refuse = (ctx: Context, status: number, f: Failure) => {
    const state = ctx.state as FaceState;
    state.result = 'FAILED';
    state.failReason = f.reason;
    ctx.status = status;
    ctx.body = { error: xivoErrors[f.reason], message: f.message };
  };
  const TTL = Math.round(options.tokenTtlMs / 1000);

  router.post('/login', async (ctx) => {
    const state = ctx.state as FaceState;
    state.face = 'xivo';
    state.operation = 'login';
    let body: unknown;
    try {
      body = await readJson(ctx, options.bodyLimit);
    } catch (e) {
      if (e instanceof BodyError) return refuse(ctx, 400, { ok: false, reason: 'INVALID_PARAMETER', message: e.message });
      throw e;
    }
    const { login, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof login !== 'string' || typeof password !== 'string') {
      return refuse(ctx, 400, { ok: false, reason: 'INVALID_PARAMETER', message: 'expected {"login": "…", "password": "…"}' });
    }
    const user = dir.authenticate(login, password);
    if (!user.ok) return refuse(ctx, 401, user);
    const session = await engine.sessions.open(login, XIVO_FACE, { ttlMs: options.tokenTtlMs, logoutOnExpiry: false });
    if (!session.ok) return refuse(ctx, 500, session);
    state.result = 'SUCCESS';
    ctx.body = { login, token: session.value.token, TTL };
  });

  router.get('/check', async (ctx) => {
    const state = ctx.state as FaceState;
    state.face = 'xivo';
    state.operation = 'check';
    const auth = ctx.get('authorization');
    const token = /^bearer /i.test(auth) ? auth.slice(7).trim() : '';
    const session = token ? await engine.sessions.find(token, XIVO_FACE) : undefined;
    if (!session?.ok) return refuse(ctx, 401, { ok: false, reason: 'SESSION_EXPIRED', message: 'the token is unknown or has expired' });
    // A check also renews: the client carries on with the new token (xivo.md §1.1).
    const next = await engine.sessions.rotate(session.value, options.tokenTtlMs, 60_000);
    if (!next.ok) return refuse(ctx, 500, next);
    state.result = 'SUCCESS';
    ctx.body = { login: session.value.username, token: next.value.token, TTL };
  });

  return router;
}
