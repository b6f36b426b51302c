import type { RouterContext } from '@koa/router';
import type { Middleware } from 'koa';
import type { AgentSession } from '../../backends/agent-desk.js';
import { xivoErrors, type Failure } from '../../reasons/index.js';
import { readJson, type FaceState } from '../http.js';
import { perClientLimit } from '../security/index.js';
import { admitted, cutOff, XIVO_FACE } from './access.js';
import type { XivoFace } from './index.js';

/**
 * XUC token authentication (xivo.md §1.1): POST /xuc/api/2.0/auth/login with {login, password}
 * answers {login, token, TTL}; GET /xuc/api/2.0/auth/check with the Bearer token answers a fresh
 * token, and the CTI socket is opened with it (cti.ts). Errors are {error, message} with the XUC
 * error names of the shared catalog.
 */

/** The face's request state: the token's session once verified (GET /auth/check). */
export type XivoContext = RouterContext<FaceState & { xucSession?: AgentSession }>;

/** An HTTP refusal in XUC's words. */
export function refused(ctx: XivoContext, status: number, f: Failure): void {
  ctx.state.result = 'FAILED';
  ctx.state.failReason = f.reason;
  ctx.status = status;
  ctx.body = { error: xivoErrors[f.reason], message: f.message };
}

const ttlOf = (face: XivoFace) => Math.round(face.tokenTtlMs / 1000);

/**
 * Past the failed-authentication budget (security.authFailures, shared with every door): 429 with
 * Retry-After, in the one XUC error word a client knows for "not now" (the 2022.10 REST errors are
 * InvalidCredentials, InvalidJson and UnhandledError).
 */
function throttled(ctx: XivoContext, wait: number, message: string): void {
  ctx.state.result = 'FAILED';
  ctx.state.failReason = 'RATE_LIMITED';
  ctx.set('Retry-After', String(wait));
  ctx.status = 429;
  ctx.body = { error: 'UnhandledError', message: `${message}, retry in ${wait} s` };
}

/** The request budget (security.rateLimit), counted per authenticated user once it is known. */
export const budget = (face: XivoFace): Middleware<FaceState>[] =>
  face.security.rateLimit ? [perClientLimit<FaceState>(face.security.rateLimit, (ctx, wait) => throttled(ctx as XivoContext, wait, 'Too many requests'))] : [];

/** POST /auth/login, first half: who it is. The throttle is asked before the password is compared, and told of a wrong one. */
export const authenticate = (face: XivoFace) =>
  async function authenticate(ctx: XivoContext, next: () => Promise<unknown>) {
    ctx.state.operation = 'login';
    const body = await readJson(ctx, face.bodyLimit);
    const { login, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof login !== 'string' || typeof password !== 'string') {
      return refused(ctx, 400, { ok: false, reason: 'INVALID_PARAMETER', message: 'expected {"login": "…", "password": "…"}' });
    }
    const { throttle } = face.security;
    const wait = await throttle.blocked(ctx.ip, login);
    if (wait !== undefined) return throttled(ctx, wait, 'Too many failed authentications');
    const user = face.directory.authenticate(login, password);
    if (!user.ok) {
      await throttle.failed(ctx.ip, login);
      return refused(ctx, 401, user);
    }
    ctx.state.principal = login;
    return next();
  };

/** POST /auth/login, second half (after the budget): the token. */
export const login = (face: XivoFace) =>
  async function login(ctx: XivoContext) {
    const username = ctx.state.principal ?? '';
    const session = await face.engine.sessions.open(username, XIVO_FACE, { ttlMs: face.tokenTtlMs, logoutOnExpiry: false });
    if (!session.ok) return refused(ctx, 500, session);
    ctx.state.result = 'SUCCESS';
    ctx.body = { login: username, token: session.value.token, TTL: ttlOf(face) };
  };

/**
 * GET /auth/check, first half: the Bearer token's live session, of a user the configuration still
 * admits (a reload may have removed it: its sessions end, access.ts). An unknown token is a guess
 * like a wrong password, for the same throttle.
 */
export const verifyToken = (face: XivoFace) =>
  async function verifyToken(ctx: XivoContext, next: () => Promise<unknown>) {
    ctx.state.operation = 'check';
    const { throttle } = face.security;
    const wait = await throttle.blocked(ctx.ip);
    if (wait !== undefined) return throttled(ctx, wait, 'Too many failed authentications');
    const auth = ctx.get('authorization');
    const token = /^bearer /i.test(auth) ? auth.slice(7).trim() : '';
    const session = token ? await face.engine.sessions.find(token, XIVO_FACE) : undefined;
    if (session?.ok && !admitted(face, session.value.username)) await cutOff(face, session.value.username);
    else if (session?.ok) {
      ctx.state.principal = session.value.username;
      ctx.state.xucSession = session.value;
      return next();
    } else if (token) await throttle.failed(ctx.ip);
    return refused(ctx, 401, { ok: false, reason: 'SESSION_EXPIRED', message: 'the token is unknown or has expired' });
  };

/** GET /auth/check, second half: a check also renews; the client carries on with the new token (xivo.md §1.1). */
export const check = (face: XivoFace) =>
  async function check(ctx: XivoContext) {
    const session = ctx.state.xucSession as AgentSession;
    const next = await face.engine.sessions.rotate(session, face.tokenTtlMs, 60_000);
    if (!next.ok) return refused(ctx, 500, next);
    ctx.state.result = 'SUCCESS';
    ctx.body = { login: session.username, token: next.value.token, TTL: ttlOf(face) };
  };
