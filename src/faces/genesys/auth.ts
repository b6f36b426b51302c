import type { AgentConfig } from '../../config/index.js';
import { fail } from '../../reasons/index.js';
import { basicCredentials } from '../http.js';
import type { GenesysFace } from './index.js';
import { failed, type GenesysContext } from './wire.js';

/** Cookie of the HTTP session (CometD also accepts it); lives as long as GWS's default session. */
export const SESSION_COOKIE = 'JSESSIONID';
export const SESSION_TTL_MS = 30 * 60_000;
export const GENESYS_FACE = 'genesys';

/** Who a request is: a user of the roster, and how it proved it. */
export type Caller = { user: AgentConfig; by: 'basic' | 'cookie' };

/**
 * Who calls the Genesys face: HTTP Basic from the roster first (every GWS client sends it), else
 * the JSESSIONID cookie of a live session. Shared by the REST routes and the CometD handshake.
 * Basic attempts go through the failed-authentication throttle shared by every door: refused
 * unchecked while `ip` or the username is over its budget (`wait`, in seconds), counted when wrong.
 * A session of a user the configuration no longer has, or has left without a password (it could
 * not sign in again), is no session (issue 11.7: a reload that removes or disables an agent).
 */
export async function genesysCaller(
  face: Pick<GenesysFace, 'engine' | 'directory' | 'security'>,
  ip: string,
  authorization: string | undefined,
  cookie: string | undefined,
): Promise<Caller | { wait: number } | undefined> {
  const { engine, directory: dir, security } = face;
  const basic = basicCredentials(authorization);
  if (basic) {
    const wait = await security.throttle.blocked(ip, basic.username);
    if (wait !== undefined) return { wait };
    const found = dir.authenticate(basic.username, basic.password);
    if (found.ok) return { user: found.value, by: 'basic' };
    await security.throttle.failed(ip, basic.username);
    return undefined;
  }
  if (!cookie) return undefined;
  const session = await engine.sessions.find(cookie, GENESYS_FACE, SESSION_TTL_MS);
  const user = session.ok ? dir.user(session.value.username) : undefined;
  return user && mayUseFace(user) ? { user, by: 'cookie' } : undefined;
}

/** The roster's rule for every agent face: a user without a password cannot sign in (AgentRoster.authenticate). */
export const mayUseFace = (user: AgentConfig | undefined): user is AgentConfig => user?.password !== undefined;

/**
 * The cookie's attributes. HttpOnly: page scripts never read it. SameSite=Strict: the API is
 * called by the agent desktop of its own site and never reached by following a link from another
 * one, so no cross-site request needs to carry it, not even a top-level navigation (which Lax allows).
 */
const cookieOptions = (ctx: GenesysContext) => ({ httpOnly: true, sameSite: 'strict' as const, secure: ctx.secure, path: '/', overwrite: true });

/**
 * Every REST route needs a caller; Basic callers get a session cookie (CometD and later calls may
 * use it), kept while it lives. A Basic caller without it gets the agent's live session again, so
 * clients that never send cookies back leave one session per agent, not one per request.
 */
export const signedIn = (face: GenesysFace) =>
  async function signedIn(ctx: GenesysContext, next: () => Promise<unknown>) {
    const { engine } = face;
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    const caller = await genesysCaller(face, ctx.ip, ctx.get('authorization') || undefined, cookie);
    if (caller !== undefined && 'wait' in caller) return tooMany(ctx, caller.wait, 'Too many failed authentications');
    if (!caller) return failed(ctx, fail('UNAUTHENTICATED', 'Access denied'));
    ctx.state.user = caller.user;
    // Who got in, for the access log and the request budget (src/faces/security/rate-limit.ts).
    ctx.state.principal = caller.user.username;
    if (caller.by === 'basic') {
      const current = cookie ? await engine.sessions.find(cookie, GENESYS_FACE, SESSION_TTL_MS) : undefined;
      if (!current?.ok || current.value.username !== caller.user.username) {
        const opened = await engine.sessions.open(caller.user.username, GENESYS_FACE, { ttlMs: SESSION_TTL_MS, logoutOnExpiry: false, reuse: true });
        if (opened.ok) ctx.cookies.set(SESSION_COOKIE, opened.value.token, cookieOptions(ctx));
      }
    }
    await next();
  };

/**
 * A refusal for going over a budget: HTTP 429 with Retry-After, in the GWS envelope. GWS has no
 * statusCode for it; 3, "operation forbidden" (genesys.md §1), is the nearest.
 */
export function tooMany(ctx: GenesysContext, waitSeconds: number, what: string): void {
  failed(ctx, fail('REQUEST_REJECTED', `${what}: retry in ${waitSeconds} s`));
  ctx.status = 429;
  ctx.set('Retry-After', String(waitSeconds));
}

/** EndContactCenterSession also ends the HTTP session (genesys.md §2). */
export async function endHttpSession(face: GenesysFace, ctx: GenesysContext): Promise<void> {
  const cookie = ctx.cookies.get(SESSION_COOKIE);
  if (cookie) await face.engine.sessions.close({ token: cookie });
  ctx.cookies.set(SESSION_COOKIE, null, cookieOptions(ctx));
}
