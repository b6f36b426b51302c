import type { AgentDesk } from '../../backends/agent-desk.js';
import type { AgentConfig } from '../../config/index.js';
import { fail } from '../../reasons/index.js';
import type { AgentRoster } from '../../backends/agent-desk.js';
import { basicCredentials } from '../http.js';
import type { GenesysFace } from './index.js';
import { failed, type GenesysContext } from './wire.js';

/** Cookie of the HTTP session (CometD also accepts it); lives as long as GWS's default session. */
export const SESSION_COOKIE = 'JSESSIONID';
export const SESSION_TTL_MS = 30 * 60_000;
export const GENESYS_FACE = 'genesys';

/**
 * Who calls the Genesys face: HTTP Basic from the roster first (every GWS client sends it), else
 * the JSESSIONID cookie of a live session. Shared by the REST routes and the CometD handshake.
 */
export async function genesysCaller(
  engine: AgentDesk,
  dir: AgentRoster,
  authorization: string | undefined,
  cookie: string | undefined,
): Promise<{ user: AgentConfig; by: 'basic' | 'cookie' } | undefined> {
  const basic = basicCredentials(authorization);
  if (basic) {
    const found = dir.authenticate(basic.username, basic.password);
    return found.ok ? { user: found.value, by: 'basic' } : undefined;
  }
  if (!cookie) return undefined;
  const session = await engine.sessions.find(cookie, GENESYS_FACE, SESSION_TTL_MS);
  const user = session.ok ? dir.user(session.value.username) : undefined;
  return user ? { user, by: 'cookie' } : undefined;
}

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
export const signedIn = ({ engine, directory }: GenesysFace) => async function signedIn(ctx: GenesysContext, next: () => Promise<unknown>) {
  const cookie = ctx.cookies.get(SESSION_COOKIE);
  const caller = await genesysCaller(engine, directory, ctx.get('authorization') || undefined, cookie);
  if (!caller) return failed(ctx, fail('UNAUTHENTICATED', 'Access denied'));
  ctx.state.user = caller.user;
  if (caller.by === 'basic') {
    const current = cookie ? await engine.sessions.find(cookie, GENESYS_FACE, SESSION_TTL_MS) : undefined;
    if (!current?.ok || current.value.username !== caller.user.username) {
      const opened = await engine.sessions.open(caller.user.username, GENESYS_FACE, { ttlMs: SESSION_TTL_MS, logoutOnExpiry: false, reuse: true });
      if (opened.ok) ctx.cookies.set(SESSION_COOKIE, opened.value.token, cookieOptions(ctx));
    }
  }
  await next();
};

/** EndContactCenterSession also ends the HTTP session (genesys.md §2). */
export async function endHttpSession(face: GenesysFace, ctx: GenesysContext): Promise<void> {
  const cookie = ctx.cookies.get(SESSION_COOKIE);
  if (cookie) await face.engine.sessions.close({ token: cookie });
  ctx.cookies.set(SESSION_COOKIE, null, cookieOptions(ctx));
}
