import { inProgress } from '../../backends/backend.js';
import type { AgentEvent } from '../../backends/agent-desk.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import { command, none, type XucCommand } from './command.js';
import type { XucSession } from './cti.js';
import { currentEventType, isOnHold, lineStatus, ON_HOLD, PHONE_STATUS, phoneEvent } from './phone-events.js';
import { DIALED_BY, withinDialLimit } from './rights.js';
import { userIdOf, type Frame } from './wire.js';

/**
 * The phone commands of cti.js (pluginsGLPI/xivo js/xivo/cti.js; xucserver
 * app/assets/javascripts/cti.js for subscribeToPhoneHints): the user's line and its calls, where a
 * call is an MCC session the user holds.
 */

const done = ok(undefined);

type Dial = { destination: string; variables: Record<string, unknown> };
function dialArgs(_s: XucSession, f: Frame): Outcome<Dial> {
  const destination = typeof f.destination === 'string' ? f.destination : '';
  if (!/^[0-9*#+]{1,24}$/.test(destination)) return fail('INVALID_PARAMETER', 'destination must be a phone number');
  return ok({ destination, variables: typeof f.variables === 'object' && f.variables !== null ? (f.variables as Record<string, unknown>) : {} });
}

const numbers = (_s: XucSession, f: Frame): Outcome<string[]> =>
  Array.isArray(f.phoneNumbers) && f.phoneNumbers.length <= 1000
    ? ok(f.phoneNumbers.map(String))
    : fail('INVALID_PARAMETER', 'phoneNumbers is a list of at most 1000 numbers');

export const PHONE_COMMANDS: Record<string, XucCommand> = {
  // cti.js Cti.dial(destination, variables): the user's own phone dials out. Here an outgoing
  // session of one of the agent's queues, offered to it at once: PhoneEvent EventDialing, then
  // EventEstablished when answered (xucmgt XucPhoneEventListener).
  dial: command('Error', dialArgs, (s, d) => withinDialLimit(s, () => dial(s, d))),
  // cti.js Cti.hold(): toggles hold on the current call; PhoneEvent EventOnHold / EventEstablished
  // come from the call's user data change (events.ts), so every socket of the user sees it.
  hold: command(
    'Error',
    (_s, f) => ok(typeof f.uniqueId === 'string' ? f.uniqueId : undefined),
    async (s, id) => {
      const held = await s.face.engine.heldInteractions(s.user.username);
      if (!held.ok) return held;
      const call = held.value.find((i) => (id ? i.id === id : inProgress(i)));
      if (!call || !inProgress(call)) return fail('INVALID_STATE', 'no call to hold');
      return s.face.engine.updateUserData(call.id, { [ON_HOLD]: isOnHold(call) ? 'false' : 'true' });
    },
  ),
  // xucmgt XucPhoneEventListener.requestPhoneEventsForCurrentCalls reads `events` of CurrentCallsPhoneEvents.
  getCurrentCallsPhoneEvents: command('Error', none, async (s) => {
    const [held, state] = await Promise.all([s.face.engine.heldInteractions(s.user.username), s.face.engine.agentState(s.user.username)]);
    if (!held.ok) return held;
    const phone = state.ok ? state.value.phone : undefined;
    const events = held.value.flatMap((i) => {
      const type = currentEventType(i);
      return type ? [phoneEvent(i, type, phone)] : [];
    });
    s.send('CurrentCallsPhoneEvents', { events });
    return done;
  }),
  // GLPI js/xuc.js phoneHintsEvents reads {number, status} of PhoneHintStatusEvent, status as Cti.PhoneStatus.
  subscribeToPhoneHints: command('Error', numbers, async (s, list) => {
    for (const n of list) s.hints.set(n, undefined);
    await s.watchEveryone();
    for (const n of list) await sendHint(s, n);
    return done;
  }),
  unsubscribeFromAllPhoneHints: command('Error', none, async (s) => {
    s.hints.clear();
    return done;
  }),
};

/**
 * getConfig("line") → LineConfig: what xc_webrtc / xucmgt's CtiProxy read from it (name, number,
 * webRtc, xivoIp, password): the user's line, never a WebRTC one (the bridge has no SIP side, so no
 * password is sent and a client stays on its desk phone).
 */
export function lineConfig(s: XucSession): Outcome<unknown> {
  const line = s.user.line;
  s.send('LineConfig', {
    id: userIdOf(s.user),
    context: 'default',
    name: line ?? '',
    number: line ?? '',
    hasDevice: line !== undefined,
    webRtc: false,
    isUa: false,
    mobileApp: false,
  });
  return done;
}

async function dial(s: XucSession, { destination, variables }: Dial): Promise<Outcome<unknown>> {
  const { engine, directory: dir } = s.face;
  const state = await engine.agentState(s.user.username);
  if (!state.ok) return state;
  if (!state.value.loggedIn) return fail('AGENT_NOT_LOGGED_IN', `${s.user.username} is not logged in: no line to dial from`);
  const on = new Set(state.value.channels.map((c) => c.channelId));
  const queue = dir.services.find((q) => on.has(q.channelId) && s.user.skills.includes(q.code));
  if (!queue) return fail('UNKNOWN_SERVICE', `${s.user.username} has no queue on the channels it is logged in on`);
  const created = await engine.createInteraction({ channelId: queue.channelId, serviceCode: queue.code, contactValue: destination });
  if (!created.ok) return created;
  const set = await engine.updateUserData(created.value.id, {
    ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
    direction: 'Outgoing',
    [DIALED_BY]: s.user.username,
  });
  const offered = set.ok ? await engine.offerTo(created.value.id, s.user.username) : set;
  // A call that cannot start is not left behind as a session nobody holds.
  if (!offered.ok) await engine.complete(created.value.id, 'agent');
  return offered;
}

/** PhoneHintStatusEvent for a subscribed number, when its status changed since the last one sent. */
async function sendHint(s: XucSession, number: string): Promise<void> {
  const { engine, directory: dir } = s.face;
  const owner = dir.agents.find((a) => a.line === number);
  let held: Parameters<typeof lineStatus>[1] = [];
  if (owner) {
    // Its owner is the one usually on it; another agent may have taken it over (seed 004 login rules).
    for (const a of [owner, ...dir.agents.filter((x) => x !== owner && x.agentId !== undefined)]) {
      const state = await engine.agentState(a.username);
      if (!state.ok || state.value.phone !== number) continue;
      const h = await engine.heldInteractions(a.username);
      if (h.ok) held = h.value;
      break;
    }
  }
  const status = lineStatus(owner !== undefined, held);
  if (s.hints.get(number) === status) return;
  s.hints.set(number, status);
  s.send('PhoneHintStatusEvent', { number, status });
}

/** An agent event may change the lines it is on: its own line and the one it is logged in on. */
export async function hintsChanged(s: XucSession, e: AgentEvent): Promise<void> {
  if (s.hints.size === 0) return;
  const a = s.face.directory.user(e.username);
  const state = await s.face.engine.agentState(e.username);
  // Its own line, the one it is on now, and any line shown busy (it may just have left it).
  const lines = new Set([
    a?.line,
    state.ok ? state.value.phone : undefined,
    ...[...s.hints].filter(([, v]) => v !== undefined && v !== PHONE_STATUS.AVAILABLE).map(([n]) => n),
  ]);
  for (const n of lines) if (n !== undefined && s.hints.has(n)) await sendHint(s, n);
}
