import type { XivoFace } from './index.js';

/**
 * Who may still use the face after a reload (issue 11 point 7). SIGHUP replaces the roster in
 * place (the engine's reload); nothing tells the faces, so the face asks the roster itself: before
 * every frame and event of a socket (cti.ts), on every token check (auth.ts), and on a sweep of
 * the open sockets (index.ts) for the quiet ones. Asking costs a map lookup and needs no hook in the
 * engine, and every process of a cluster applies its own reload to its own sockets the same way.
 */

/** The face's name on agent sessions. */
export const XIVO_FACE = 'xivo';

/** The roster still has the user, with a password: the rule by which it signed in (AgentRoster.authenticate). */
export function admitted(face: XivoFace, username: string): boolean {
  return face.directory.user(username)?.password !== undefined;
}

/** End every XUC session of the user: its tokens in the store (for the whole cluster) and its sockets here. */
export async function cutOff(face: XivoFace, username: string): Promise<void> {
  for (const s of face.sessions) if (s.user.username === username) s.terminate();
  const closed = await face.engine.sessions.close({ username, face: XIVO_FACE });
  if (!closed.ok) face.logger.warn('xuc sessions of a removed user not closed', { username, reason: closed.reason });
  else face.logger.info('xuc sessions ended: the user is no longer in the configuration', { username });
}

/** The sweep: sockets of users no longer admitted, cut off. */
export async function sweep(face: XivoFace): Promise<void> {
  const gone = new Set([...face.sessions].map((s) => s.user.username).filter((u) => !admitted(face, u)));
  for (const u of gone) await cutOff(face, u);
}
