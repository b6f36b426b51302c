import type { AgentDesk } from '../../backends/agent-desk.js';
import type { AgentConfig } from '../../config/index.js';
import type { AgentRoster } from '../../backends/agent-desk.js';
import { basicCredentials } from '../http.js';

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
