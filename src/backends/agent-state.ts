import { inProgress, type AgentState, type Interaction } from './backend.js';
import { decodeNotReady, type NotReadyReason } from './not-ready.js';

/**
 * The one agent-state model every agent face reports from (issue 12, point 3). Each door shows the
 * same state in its own words; none of them derives a state of its own from the desk's rows.
 *
 * Per channel, an agent is in exactly one of:
 *
 *   logged-out   not logged in on the channel
 *   ready        logged in and available for work
 *   not-ready    logged in and unavailable, with a typed reason (not-ready.ts); absent when the
 *                agent logged in without saying (a login with no initial state)
 *   wrap-up      after-call work: the not-ready reason 'wrap-up' (after a session without
 *                auto-idle, Huawei work, Genesys AfterCallWork), its own state because every face
 *                names it apart (Huawei 5, XiVO AgentOnWrapup, GWS AfterCallWork)
 *
 * and, on top of that availability, may have an activity on the channel:
 *
 *   offered      a session is offered (BOOKED) to the agent
 *   in-session   the agent works on a session (ASSIGNED, not parked in a workbin)
 *
 * Where a face shows one state for the whole agent (Huawei agentstatus, XiVO AgentStateEvent, the
 * GWS device), it takes the channel state that comes first in PRECEDENCE:
 *
 *   in-session > offered > wrap-up > not-ready > ready > logged-out
 *
 * Why this order: what the agent is doing now comes first (a session in progress, then one
 * ringing, then the after-call work of the last one): a desktop that shows "ready" while its agent
 * still wraps a session up misleads agent and supervisor alike. Then unavailability before
 * availability: the engine's own per-channel changes (wrap-up after a session, no answer after an
 * offer timed out) mean the agent is away from the desk, and the per-channel event that said so
 * (Huawei AgentState_Work / SetNotReady_Success) must agree with the state read afterwards; so an
 * agent is ready only when ready on every channel it is logged in on. Logged out only when logged
 * in nowhere. Ties (two channels not ready for different reasons, two sessions) go to the channel
 * whose state changed last: the agent's latest word.
 *
 * A face that shows activity elsewhere (GWS: calls and chats are their own resources) reports the
 * availability part alone, with the same precedence restricted to the availability states.
 *
 * A face that reports changes as events in order (the Huawei AgentState_* poll) reads each
 * channel's change through availabilityOf as it happens: the same state twice in a row is told
 * once (several channels), unless a session event came between (a second wrap-up after another
 * session is a new state), and leaving one channel of several is no logout. Known limit: a channel
 * made ready while another stays not ready still tells its Cancel* event, though the one state
 * stays not ready; the state read afterwards (agentstatus) is the model's.
 */

export type Availability =
  | { readonly kind: 'logged-out' }
  | { readonly kind: 'ready' }
  | { readonly kind: 'wrap-up' }
  | { readonly kind: 'not-ready'; readonly reason?: NotReadyReason | undefined };

export type Activity = { readonly kind: 'offered' | 'in-session'; readonly interaction: Interaction };

export type StateKind = Availability['kind'] | Activity['kind'];

/** The order in which one state is chosen for an agent: the first kind any channel is in. */
export const PRECEDENCE: readonly StateKind[] = ['in-session', 'offered', 'wrap-up', 'not-ready', 'ready', 'logged-out'];

/** One state, and since when (ms) the channel that gave it has been in it. */
export type OneState = (Availability | Activity) & { readonly since: number; readonly channelId?: number | undefined };

interface ChannelState {
  readonly channelId: number;
  readonly availability: Availability;
  /** What the agent does on the channel, if anything. */
  readonly activity?: Activity | undefined;
  readonly since: number;
}

/** A channel's availability from its login row: `ready` undefined when not logged in there. */
export function availabilityOf(ready: boolean | undefined, stored?: string): Availability {
  if (ready === undefined) return { kind: 'logged-out' };
  if (ready) return { kind: 'ready' };
  const reason = stored === undefined ? undefined : decodeNotReady(stored);
  return reason?.kind === 'wrap-up' ? { kind: 'wrap-up' } : { kind: 'not-ready', reason };
}

/** Every channel the agent is logged in on, with its availability and activity (from the sessions it holds). */
function channelStates(state: AgentState, held: readonly Interaction[] = []): ChannelState[] {
  return state.channels.map((c) => {
    const mine = held.filter((i) => i.channelId === c.channelId);
    const working = mine.find(inProgress);
    const offered = mine.find((i) => i.status === 'BOOKED');
    const activity: Activity | undefined = working
      ? { kind: 'in-session', interaction: working }
      : offered
        ? { kind: 'offered', interaction: offered }
        : undefined;
    return { channelId: c.channelId, availability: availabilityOf(c.ready, c.reason), activity, since: c.since };
  });
}

const rank = (k: StateKind) => PRECEDENCE.indexOf(k);

/**
 * The agent's one state, as a face that shows the activities `shows` reports it: XiVO shows both
 * (AgentRinging, AgentOnCall), the Huawei agentstatus only a session in progress (7 talking; it has
 * no ringing state), the GWS device neither (calls and chats are their own resources). An activity
 * a face does not show leaves the availability under it.
 */
export function agentStateOf(state: AgentState, held: readonly Interaction[], shows: readonly Activity['kind'][] = ['in-session', 'offered']): OneState {
  let best: OneState = { kind: 'logged-out', since: 0 };
  for (const c of channelStates(state, held)) {
    const s: OneState = { ...(c.activity && shows.includes(c.activity.kind) ? c.activity : c.availability), since: c.since, channelId: c.channelId };
    if (rank(s.kind) < rank(best.kind) || (rank(s.kind) === rank(best.kind) && s.since > best.since)) best = s;
  }
  return best;
}

/** The agent's one availability, activity aside (the GWS device's userState). */
export function agentAvailability(state: AgentState): OneState & Availability {
  return agentStateOf(state, [], []) as OneState & Availability;
}
