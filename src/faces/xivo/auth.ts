import type { RouterContext } from '@koa/router';
import { xivoErrors, type Failure } from '../../reasons/index.js';
import { readJson, type FaceState } from '../http.js';
import type { XivoFace } from './index.js';

/**
 * XUC token authentication (xivo.md §1.1): POST /xuc/api/2.0/auth/login with {login, password}
 * answers {login, token, TTL}; GET /xuc/api/2.0/auth/check with the Bearer token answers a fresh
 * token, and the CTI socket is opened with it (cti.ts). Errors are {error, message} with the XUC
 * error names of the shared catalog.
 */

export const XIVO_FACE = 'xivo';

export type XivoContext = RouterContext<FaceState>;

/** An HTTP refusal in XUC's words. */
export function refused(ctx: XivoContext, status: number, f: Failure): void {
  ctx.state.result = 'FAILED';
  ctx.state.failReason = f.reason;
  ctx.status = status;
  ctx.body = { error: xivoErrors[f.reason], message: f.message };
}

const ttlOf = (face: XivoFace) => Math.round(face.tokenTtlMs / 1000);

export const login = (face: XivoFace) => async function login(ctx: XivoContext) {
  ctx.state.operation = 'login';
  const body = await readJson(ctx, face.bodyLimit);
  const { login, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof login !== 'string' || typeof password !== 'string') {
    return refused(ctx, 400, { ok: false, reason: 'INVALID_PARAMETER', message: 'expected {"login": "…", "password": "…"}' });
  }
  const user = face.directory.authenticate(login, password);
  if (!user.ok) return refused(ctx, 401, user);
  const session = await face.engine.sessions.open(login, XIVO_FACE, { ttlMs: face.tokenTtlMs, logoutOnExpiry: false });
  if (!session.ok) return refused(ctx, 500, session);
  ctx.state.result = 'SUCCESS';
  ctx.body = { login, token: session.value.token, TTL: ttlOf(face) };
};

export const check = (face: XivoFace) => async function check(ctx: XivoContext) {
  ctx.state.operation = 'check';
  const auth = ctx.get('authorization');
  const token = /^bearer /i.test(auth) ? auth.slice(7).trim() : '';
  const session = token ? await face.engine.sessions.find(token, XIVO_FACE) : undefined;
  if (!session?.ok) return refused(ctx, 401, { ok: false, reason: 'SESSION_EXPIRED', message: 'the token is unknown or has expired' });
  // A check also renews: the client carries on with the new token (xivo.md §1.1).
  const next = await face.engine.sessions.rotate(session.value, face.tokenTtlMs, 60_000);
  if (!next.ok) return refused(ctx, 500, next);
  ctx.state.result = 'SUCCESS';
  ctx.body = { login: session.value.username, token: next.value.token, TTL: ttlOf(face) };
};
