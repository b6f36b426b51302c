import { GENESYS_FACE, SESSION_TTL_MS } from './auth.js';
import type { GenesysFace } from './index.js';

/**
 * Marks, in the agent session's `lastSent`, a Genesys session whose cursor is kept by CometD
 * clients that acknowledge (acks.ts): from then on the cursor is the last agent event those
 * clients are proven to have, and a new client on the session starts there. (`lastSent` is where
 * a face keeps its own delivery state with the session, as the Huawei face does; a Genesys
 * session had no other use for it.)
 */
const KEPT_BY_ACKS = 'cometd-ack';

/** Where a client that acknowledges starts: its agent session, and the event after which it is owed what happened. */
export interface AckStart {
  token: string;
  cursor: number;
  /** A client before it on the session left without saying goodbye: what lies past the cursor is owed to this one. */
  successor: boolean;
}

/**
 * The agent session a handshake delivers through: the JSESSIONID's (a browser sends it on the
 * upgrade and with each long poll), else the agent's live session on the face, as a Basic REST
 * caller gets (auth.ts signedIn). The session's first such client starts at the agent's newest
 * event, so it is owed nothing from before it came; a client after one that faye forgot (its
 * connection gone longer than faye's timeout, or the bridge process that knew it gone, so the
 * client handshakes anew) starts at the cursor its predecessors left. The store out of reach: no
 * session, the client is served as one that does not acknowledge across handshakes.
 */
export async function ackStart(face: GenesysFace, username: string, cookie: string | undefined): Promise<AckStart | undefined> {
  const { sessions } = face.engine;
  const byCookie = cookie === undefined ? undefined : await sessions.find(cookie, GENESYS_FACE, SESSION_TTL_MS);
  const found =
    byCookie?.ok && byCookie.value.username === username
      ? byCookie
      : await sessions.open(username, GENESYS_FACE, { ttlMs: SESSION_TTL_MS, logoutOnExpiry: false, reuse: true });
  if (!found.ok) return undefined;
  const session = found.value;
  if (session.lastSent === KEPT_BY_ACKS) return { token: session.token, cursor: session.cursor, successor: true };
  const newest = await face.engine.lastEventId(username);
  if (!newest.ok) return undefined;
  const cursor = Math.max(session.cursor, newest.value);
  const saved = await sessions.save({ ...session, cursor, lastSent: KEPT_BY_ACKS });
  return saved.ok ? { token: session.token, cursor, successor: false } : undefined;
}

/** The last client on the session said goodbye (/meta/disconnect): the next one starts afresh. */
export async function ackRelease(face: GenesysFace, token: string): Promise<void> {
  const found = await face.engine.sessions.find(token, GENESYS_FACE);
  if (found.ok && found.value.lastSent === KEPT_BY_ACKS) await face.engine.sessions.save({ ...found.value, lastSent: undefined });
}
