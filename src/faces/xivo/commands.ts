import { inProgress, type Interaction } from '../../backends/backend.js';
import { decodeNotReady, type NotReadyReason } from '../../backends/not-ready.js';
import type { AgentConfig } from '../../config/index.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import type { ServiceEntry } from '../../backends/agent-desk.js';
import { CALLBACK_COMMANDS } from './callbacks.js';
import type { XucSession } from './cti.js';
import { sendState, sendStatistics } from './events.js';
import { XUC_LISTS } from './lists.js';
import { command, none, type XucCommand } from './command.js';
import { MEMBERSHIP_COMMANDS } from './membership.js';
import { lineConfig, PHONE_COMMANDS } from './phone.js';
import { setMembership, type Membership } from './queue-members.js';
import { QUEUE_STAT_COMMANDS } from './queue-stats.js';
import { DIALED_BY, lineAllowed, withinDialLimit } from './rights.js';
import { USER_STATUSES } from './statuses.js';
import { agentEntry, agentStateEvent, type Frame } from './wire.js';

/**
 * The XUC commands (xivo.md §3–§6): each name with how its arguments are read and checked from the
 * frame, and what it does. A command the table does not name is unknown; nothing else lists them.
 */

const done = ok(undefined);

// ------------------------------------------------------------------ argument decoders

const agent = (s: XucSession, f: Frame) => s.target(f);

function agentAndLine(s: XucSession, f: Frame): Outcome<{ agent: AgentConfig; phone: string }> {
  const a = s.target(f);
  if (!a.ok) return a;
  const phone = String(f.agentphonenumber ?? '');
  return s.face.directory.knowsLine(phone) ? ok({ agent: a.value, phone }) : fail('UNKNOWN_DEVICE', `line ${phone} is unknown`);
}

/** pauseAgent's reason: the label the agent gave ('paused' when none), read as the store reads it. */
function agentAndPause(s: XucSession, f: Frame): Outcome<{ agent: AgentConfig; reason: NotReadyReason }> {
  const a = s.target(f);
  return a.ok ? ok({ agent: a.value, reason: decodeNotReady(typeof f.reason === 'string' && f.reason !== '' ? f.reason : 'paused') }) : a;
}

const membership =
  (remove: boolean) =>
  (s: XucSession, f: Frame): Outcome<Membership> => {
    const a = s.target(f);
    if (!a.ok) return a;
    const q = s.queueOf(f);
    if (!q.ok) return q;
    const penalty = remove ? -1 : Number(f.penalty ?? 0);
    if (!Number.isInteger(penalty) || penalty < -1) return fail('INVALID_PARAMETER', 'penalty must be a whole number from 0');
    return ok({ agent: a.value, queue: q.value, penalty });
  };

type Dial = { queue: ServiceEntry; destination: string; callerIdName?: string | undefined; variables: Record<string, unknown> };
function dial(s: XucSession, f: Frame): Outcome<Dial> {
  const q = s.queueOf(f);
  if (!q.ok) return q;
  const destination = typeof f.destination === 'string' ? f.destination : '';
  if (!/^[0-9*#+]{1,24}$/.test(destination)) return fail('INVALID_PARAMETER', 'destination must be a phone number');
  const variables = typeof f.variables === 'object' && f.variables !== null ? (f.variables as Record<string, unknown>) : {};
  return ok({ queue: q.value, destination, callerIdName: typeof f.callerIdName === 'string' ? f.callerIdName : undefined, variables });
}

const callId = (_s: XucSession, f: Frame) => ok(typeof f.uniqueId === 'string' ? f.uniqueId : undefined);

// ------------------------------------------------------------------ the table

const XUC_COMMANDS: Record<string, XucCommand> = {
  agentLogin: command('AgentError', agentAndLine, async (s, { agent: a, phone }) => {
    const { engine, directory } = s.face;
    const state = await engine.agentState(a.username);
    if (!state.ok) return state;
    if (state.value.loggedIn) {
      if (state.value.phone === phone || state.value.phone === undefined) return sendState(s, a, true).then(() => done);
      // Logged in elsewhere: it stays there (seed 004).
      s.send('AgentError', { Error: 'LoggedInOnAnotherPhone', phoneNb: state.value.phone, RequestedNb: phone });
      return done;
    }
    // Whose line this user may log the agent in on is a right; a line used by another agent is then
    // taken over. Agents go straight to AgentReady.
    const allowed = lineAllowed(s, a, phone);
    if (!allowed.ok) return allowed;
    return engine.agentLogin(a.username, directory.workChannels(a), { phone, takeOverPhone: true, initial: { ready: true } });
  }),
  agentLogout: command('AgentError', agent, (s, a) => s.face.engine.agentLogout(a.username, undefined, 'agentLogout')),
  pauseAgent: command('AgentError', agentAndPause, (s, { agent: a, reason }) => s.face.engine.agentNotReady(a.username, undefined, reason)),
  unpauseAgent: command('AgentError', agent, (s, a) => s.face.engine.agentReady(a.username)),
  // Seed 004: "On success triggers a Queue Member event, does not send anything in case of failure".
  setAgentQueue: command('silent', membership(false), setMembership),
  removeAgentFromQueue: command('silent', membership(true), setMembership),
  // Cti.changeUserStatus(status) (xucmgt's pause menu, XucAgentUser._switchAgentState): a status
  // of UsersStatuses whose actions pause (queuepause_all) or unpause (queueunpause_all) the agent's
  // queues does so (its AgentStateEvent follows); every socket of the user hears UserStatusUpdate
  // {status}, which GLPI's js/xuc.js userStatusUpdate reads.
  userStatusUpdate: command(
    'Error',
    (_s, f) => {
      const status = USER_STATUSES.find((u) => u.name === f.status);
      return status ? ok(status) : fail('INVALID_PARAMETER', `unknown status ${String(f.status)}`);
    },
    async (s, status) => {
      const { engine } = s.face;
      const state = await engine.agentState(s.user.username);
      if (state.ok && state.value.loggedIn) {
        const out = status.pauses
          ? await engine.agentNotReady(s.user.username, undefined, decodeNotReady(status.name))
          : await engine.agentReady(s.user.username);
        if (!out.ok) return out;
      }
      for (const c of s.face.sessions) if (c.user.username === s.user.username) c.send('UserStatusUpdate', { status: status.name });
      return done;
    },
  ),
  listenAgent: command('AgentError', agent, async (s, a) => {
    const state = await s.face.engine.agentState(a.username);
    if (!state.ok) return state;
    if (!state.value.loggedIn) return fail('AGENT_NOT_LOGGED_IN', `agent ${a.agentId} is not logged in`);
    s.send('AgentListen', { started: true, phoneNumber: state.value.phone ?? '', agentId: a.agentId });
    return done;
  }),
  monitorPause: command('AgentError', agent, (s, a) => setMonitorState(s, a, 'PAUSED')),
  monitorUnpause: command('AgentError', agent, (s, a) => setMonitorState(s, a, 'ACTIVE')),

  subscribeToAgentEvents: command('Error', none, async (s) => {
    await s.watchAgents();
    return sendStates(s);
  }),
  getAgentStates: command('Error', none, sendStates),
  subscribeToAgentStats: command('Error', none, async (s) => {
    s.stats = true;
    await s.watchAgents();
    for (const a of s.visibleAgents()) await sendStatistics(s, a);
    return done;
  }),
  getList: command(
    'Error',
    (_s, f) => {
      const objectType = String(f.objectType ?? '');
      const list = XUC_LISTS.get(objectType);
      return list ? ok(list) : fail('INVALID_PARAMETER', `unknown list ${objectType}`);
    },
    (s, list) => list(s),
  ),
  // Cti.getConfig(objectType): "line" is what xucmgt and xc_webrtc ask right after LoggedOn.
  getConfig: command(
    'Error',
    (_s, f) => (f.objectType === 'line' ? ok(undefined) : fail('INVALID_PARAMETER', `unknown config ${String(f.objectType)}`)),
    async (s) => lineConfig(s),
  ),
  getAgentDirectory: command('Error', none, async (s) => {
    const { engine, directory: dir } = s.face;
    const directory = [];
    for (const a of s.visibleAgents()) {
      const [state, held] = await Promise.all([engine.agentState(a.username), engine.heldInteractions(a.username)]);
      if (state.ok && held.ok)
        directory.push({
          agent: agentEntry(a, dir, s.groups),
          agentState: agentStateEvent(a, state.value, held.value, await s.memberQueues(a.username), Date.now()),
        });
    }
    s.send('AgentDirectory', { directory });
    return done;
  }),
  dialFromQueue: command('Error', dial, (s, d) => withinDialLimit(s, () => dialFromQueue(s, d))),
  answer: command('Error', callId, async (s, id) => {
    const call = await heldCall(s, id, (i) => i.status === 'BOOKED');
    return call.ok ? s.face.engine.accept(call.value, s.user.username) : call;
  }),
  hangup: command('Error', callId, async (s, id) => {
    const call = await heldCall(s, id, inProgress);
    return call.ok ? s.face.engine.complete(call.value, 'agent', s.user.username) : call;
  }),
  ...CALLBACK_COMMANDS,
  ...PHONE_COMMANDS,
  ...QUEUE_STAT_COMMANDS,
  ...MEMBERSHIP_COMMANDS,
};

const byName = new Map(Object.entries(XUC_COMMANDS));

/** The command of a frame's name; undefined when XUC has no such command. */
export const commandNamed = (name: string): XucCommand | undefined => byName.get(name);

// ------------------------------------------------------------------ handlers shared by several commands

async function sendStates(s: XucSession): Promise<Outcome<unknown>> {
  for (const a of s.visibleAgents()) await sendState(s, a, true);
  return done;
}

/** Recording state is the call's: kept in its user data, seen by every face. */
async function setMonitorState(s: XucSession, a: AgentConfig, monitorState: 'PAUSED' | 'ACTIVE'): Promise<Outcome<unknown>> {
  const call = await s.currentCall(a.username);
  return call.ok ? s.face.engine.updateUserData(call.value.id, { monitorState }) : call;
}

/** The user's call named by uniqueId, or the first one in the given state. */
async function heldCall(s: XucSession, id: string | undefined, fallback: (i: Interaction) => boolean): Promise<Outcome<string>> {
  const held = await s.face.engine.heldInteractions(s.user.username);
  if (!held.ok) return held;
  const call = held.value.find((i) => (id ? i.id === id : fallback(i)));
  return call ? ok(call.id) : fail('UNKNOWN_INTERACTION', id ? `no call ${id} on this agent` : 'no call to act on');
}

async function dialFromQueue(s: XucSession, { queue, destination, callerIdName, variables }: Dial): Promise<Outcome<unknown>> {
  const { engine } = s.face;
  const created = await engine.createInteraction({
    channelId: queue.channelId,
    serviceCode: queue.code,
    contactValue: destination,
    ...(callerIdName !== undefined ? { description: callerIdName } : {}),
  });
  if (!created.ok) return created;
  // Variables travel with the call (as USR_<name> in phone events); the direction marks it outgoing,
  // and who dialled it counts it against that user's limit (rights.ts).
  const set = await engine.updateUserData(created.value.id, {
    ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
    direction: 'Outgoing',
    [DIALED_BY]: s.user.username,
  });
  if (!set.ok) return set;
  return engine.placeInQueue(created.value.id);
}
