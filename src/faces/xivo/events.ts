import type { AgentEvent } from '../../backends/agent-desk.js';
import type { Interaction } from '../../backends/backend.js';
import type { AgentConfig } from '../../config/index.js';
import type { XucSession } from './cti.js';
import { currentEventType, isOnHold, phoneEvent, sheet } from './phone-events.js';
import { agentStateEvent, isWrapUp } from './wire.js';

/** Desk events as XUC events: PhoneEvent for the user's own calls, AgentStateEvent and AgentStatistics for the agents it sees. */

const phoneEvents: Partial<Record<AgentEvent['kind'], string>> = { ASSIGNED: 'EventEstablished', RELEASED: 'EventReleased', CLOSED: 'EventReleased' };

/** An event of the connected user: its state (unless every agent's is watched anyway) and its calls. */
export async function ownEvent(s: XucSession, e: AgentEvent): Promise<void> {
  if (!s.watchesEveryone) await agentChanged(s, e);
  if (e.sessionId === undefined) return;
  const { engine } = s.face;
  const found = await engine.getInteraction(e.sessionId);
  if (!found.ok) return;
  const i = found.value;
  const eventType = e.kind === 'OFFERED' ? currentEventType({ ...i, status: 'BOOKED' }) : e.kind === 'UPDATED' ? holdChange(s, i) : phoneEvents[e.kind];
  if (e.kind !== 'UPDATED') s.onHold.delete(i.id);
  if (!eventType) return;
  // The sheet of the attached data pops with the ringing, as XUC sends it (seed 004 "Sheet").
  if (e.kind === 'OFFERED') s.send('Sheet', sheet(i, Date.now()));
  const state = await engine.agentState(s.user.username);
  s.send('PhoneEvent', phoneEvent(i, eventType, state.ok ? state.value.phone : undefined));
}

/**
 * A call's user data changed: EventOnHold / EventEstablished when its hold flag is not what this
 * socket last told (xucmgt XucPhoneEventListener EVENT_ONHOLD); other changes are no phone event.
 */
function holdChange(s: XucSession, i: Interaction): string | undefined {
  const held = isOnHold(i);
  if ((s.onHold.get(i.id) ?? false) === held) return undefined;
  s.onHold.set(i.id, held);
  return held ? 'EventOnHold' : 'EventEstablished';
}

/** An agent's state after one of its events, if visible and changed. */
export async function agentChanged(s: XucSession, e: AgentEvent): Promise<void> {
  const a = s.face.directory.user(e.username);
  if (!a || a.agentId === undefined || !s.rights.agent(a)) return;
  await sendState(s, a, false);
  if (s.stats) await sendStatistics(s, a);
}

/** AgentStateEvent for an agent: always, or only when it differs from the last one sent (`since` aside). */
export async function sendState(s: XucSession, a: AgentConfig, always: boolean): Promise<void> {
  const { engine } = s.face;
  const [state, held, members] = await Promise.all([engine.agentState(a.username), engine.heldInteractions(a.username), s.memberQueues(a.username)]);
  if (!state.ok || !held.ok) return;
  const event = agentStateEvent(a, state.value, held.value, members, Date.now());
  const { since: _since, ...key } = event;
  const k = JSON.stringify(key);
  if (!always && s.lastState.get(a.username) === k) return;
  s.lastState.set(a.username, k);
  s.send('AgentStateEvent', event);
}

/** Time in each state since the last login, from the agent event log. */
export async function sendStatistics(s: XucSession, a: AgentConfig): Promise<void> {
  const events = await s.face.engine.agentEvents(a.username, 0, 1000);
  if (!events.ok) return;
  const totals = { ready: 0, paused: 0, wrapup: 0 };
  let state: keyof typeof totals | undefined;
  let since = 0;
  let login: number | undefined;
  let logout: number | undefined;
  const close = (at: number) => {
    if (state) totals[state] += at - since;
    since = at;
  };
  for (const e of events.value) {
    if (e.kind === 'LOGGED_IN' && state === undefined) login = e.at;
    if (!['LOGGED_IN', 'LOGGED_OUT', 'READY', 'NOT_READY'].includes(e.kind)) continue;
    close(e.at);
    state = e.kind === 'READY' ? 'ready' : e.kind === 'NOT_READY' ? (isWrapUp(e.reason) ? 'wrapup' : 'paused') : e.kind === 'LOGGED_IN' ? 'paused' : undefined;
    if (e.kind === 'LOGGED_OUT') logout = e.at;
  }
  close(Date.now());
  const secs = (ms: number) => Math.round(ms / 1000);
  s.send('AgentStatistics', {
    id: a.agentId,
    statistics: [
      { name: 'AgentPausedTotalTime', value: secs(totals.paused) },
      { name: 'AgentWrapupTotalTime', value: secs(totals.wrapup) },
      { name: 'AgentReadyTotalTime', value: secs(totals.ready) },
      { name: 'LoginDateTime', value: login !== undefined ? new Date(login).toISOString() : null },
      { name: 'LogoutDateTime', value: logout !== undefined ? new Date(logout).toISOString() : null },
    ],
  });
}
