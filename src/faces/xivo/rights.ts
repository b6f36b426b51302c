import type { Interaction } from '../../backends/backend.js';
import type { AgentConfig } from '../../config/index.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import type { Rank } from '../agents/rights.js';
import type { XucSession } from './cti.js';

/**
 * The XUC face's use of the shared rights (../agents/rights.ts): the profile it announces, which
 * line a login may use, and how many outgoing calls an agent may have open. Refusals are
 * FORBIDDEN, NotAuthorized on the wire.
 */

/** RightProfile names (xivo.md §2, seed 004): a plain agent is NoRight. */
export const XUC_PROFILES: Record<Rank, 'Admin' | 'Supervisor' | 'NoRight'> = { admin: 'Admin', supervisor: 'Supervisor', agent: 'NoRight' };

/** The user data key that marks an outgoing call with the user who dialled it. */
export const DIALED_BY = 'dialedBy';

/** May the user log `target` in on `phone` (a known line)? */
export function lineAllowed(s: XucSession, target: AgentConfig, phone: string): Outcome<void> {
  const owner = s.face.directory.agents.find((a) => a.line === phone);
  if (owner && s.rights.line(target, owner)) return ok(undefined);
  return fail('FORBIDDEN', `${s.user.username} may not log agent ${target.agentId} in on line ${phone}`);
}

/**
 * Run `dial` if the user has fewer than `maxOutgoingPerAgent` outgoing calls open, so agents can
 * never fill a channel's license and starve the integrators. One check-and-dial per user at a time
 * in this process (a user may hold several sockets).
 */
export async function withinDialLimit(s: XucSession, dial: () => Promise<Outcome<unknown>>): Promise<Outcome<unknown>> {
  const { face, user } = s;
  const before = face.dialing.get(user.username) ?? Promise.resolve();
  const turn = before.then(async () => {
    // Open sessions never outnumber the channels' licenses, so reading all of them is bounded.
    const open = await face.engine.openInteractions(Number.MAX_SAFE_INTEGER);
    if (!open.ok) return open;
    const mine = open.value.filter((i: Interaction) => i.userData[DIALED_BY] === user.username).length;
    if (mine >= face.maxOutgoingPerAgent)
      return fail('FORBIDDEN', `${user.username} already has ${mine} outgoing calls open (at most ${face.maxOutgoingPerAgent})`);
    return dial();
  });
  const settled = turn.then(
    () => undefined,
    () => undefined,
  );
  face.dialing.set(user.username, settled);
  try {
    return await turn;
  } finally {
    if (face.dialing.get(user.username) === settled) face.dialing.delete(user.username);
  }
}
