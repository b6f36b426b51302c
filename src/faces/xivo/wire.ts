import { createHash } from 'node:crypto';
import { agentStateOf } from '../../backends/agent-state.js';
import type { AgentState, Interaction } from '../../backends/backend.js';
import { decodeNotReady, encodeNotReady } from '../../backends/not-ready.js';
import type { AgentConfig } from '../../config/index.js';
import { xivoErrors, type Failure } from '../../reasons/index.js';
import type { AgentRoster, ServiceEntry } from '../../backends/agent-desk.js';

/** The XUC wire: frames in and out of the CTI socket, the JSON of its events, built from desk views (seed 004, xivo.md §2, §4–§6). */

export type Json = Record<string, unknown>;

/** A frame from the client: `{claz: "web", command, …arguments}`. */
export type Frame = Json & { command: string };

/** An outgoing frame: `{msgType, ctiMessage}`. */
export const frame = (msgType: string, ctiMessage: unknown) => JSON.stringify({ msgType, ctiMessage });

/** The ctiMessage of an Error / AgentError frame. */
export const errorMessage = (f: Failure, command?: string): Json => ({ Error: xivoErrors[f.reason], message: f.message, ...(command ? { command } : {}) });

/** Statistics count a wrap-up apart from the other not-ready states. */
export const isWrapUp = (stored: string | undefined) => stored !== undefined && decodeNotReady(stored).kind === 'wrap-up';

/** Agent groups numbered in the order the roster first names them. */
export function groupIds(dir: AgentRoster): Map<string, number> {
  const ids = new Map<string, number>();
  for (const a of dir.agents) if (!ids.has(a.group)) ids.set(a.group, ids.size + 1);
  return ids;
}

/**
 * A user's numeric XUC userId: xucmgt matches users by it with `===` (XucAgent.getUser, the
 * membership requests of XucMembership), and cti.js's sample shows it as a number
 * (xucserver app/assets/javascripts/pages/sample.js userConfigHandler). An agent's is its agentId;
 * another user's is derived from its username (stable across reloads and processes), above the
 * agentId range (101–59999) so the two never meet.
 */
export function userIdOf(a: AgentConfig): number {
  if (a.agentId !== undefined) return a.agentId;
  return 1_000_000 + (createHash('sha1').update(`xuc-user/${a.username}`).digest().readUInt32BE(0) % 9_000_000);
}

/** The user a userId names (userIdOf), if any. */
export const userById = (dir: AgentRoster, userId: unknown): AgentConfig | undefined => dir.agents.find((a) => userIdOf(a) === Number(userId));

export function agentEntry(a: AgentConfig, dir: AgentRoster, groups: Map<string, number>): Json {
  const [firstName = '', ...rest] = dir.displayName(a).split(' ');
  // userId: xucmgt's XucAgent.onAgentConfig keys agents by id and userId (its default membership view).
  return {
    id: a.agentId,
    userId: userIdOf(a),
    firstName,
    lastName: rest.join(' '),
    number: String(a.agentId),
    context: 'default',
    groupId: groups.get(a.group) ?? 0,
  };
}

export function queueEntry(s: ServiceEntry, dir: AgentRoster): Json {
  return { id: s.queueId, name: s.code, displayName: s.name, number: String(s.queueId), context: 'default', mediaType: dir.mediaType(s.channelId) };
}

/**
 * The XUC state of an agent (xivo.md §4.1 AgentStateEvent names), from the one state of the shared
 * model (backends/agent-state.ts): AgentOnCall, AgentRinging / AgentDialing, AgentOnWrapup,
 * AgentReady, AgentOnPause, AgentLoggedOut.
 */
export function agentStateEvent(a: AgentConfig, state: AgentState, held: readonly Interaction[], queues: number[], now: number): Json {
  const base = { agentId: a.agentId, phoneNb: state.phone ?? 'null', queues };
  const one = agentStateOf(state, held);
  const since = one.kind === 'logged-out' ? 0 : Math.max(0, Math.round((now - one.since) / 1000));
  switch (one.kind) {
    case 'logged-out':
      return { name: 'AgentLoggedOut', ...base, since };
    case 'in-session': {
      const call = one.interaction;
      const outgoing = call.userData.direction === 'Outgoing';
      return {
        name: 'AgentOnCall',
        ...base,
        since,
        acd: !outgoing,
        direction: outgoing ? 'Outgoing' : 'Incoming',
        callType: 'External',
        monitorState: call.userData.monitorState === 'PAUSED' ? 'PAUSED' : 'ACTIVE',
      };
    }
    case 'offered':
      // A dialFromQueue call rings the agent first, then dials the customer: AgentDialing.
      return { name: one.interaction.userData.direction === 'Outgoing' ? 'AgentDialing' : 'AgentRinging', ...base, since };
    case 'ready':
      return { name: 'AgentReady', ...base, since, cause: 'available' };
    case 'wrap-up':
      return { name: 'AgentOnWrapup', ...base, since };
    case 'not-ready':
      // The cause is the reason in the store's words (a pause label as the agent gave it).
      return { name: 'AgentOnPause', ...base, since, cause: one.reason === undefined ? 'paused' : encodeNotReady(one.reason) };
  }
}

/** A stable UUID for a callback list (one per service). */
export function listUuid(s: ServiceEntry): string {
  const h = createHash('sha1').update(`callback-list/${s.channelId}/${s.code}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const ANY_TIME = { default: true, name: 'Any time', periodStart: '00:00:00', periodEnd: '23:59:59', uuid: '00000000-0000-5000-a000-000000000001' };

/** A callback request: an open MCC session of the list's service. */
export function callbackRequest(i: Interaction, list: string, agentIdOf: (username: string) => number | undefined): Json {
  return {
    uuid: i.id,
    listUuid: list,
    phoneNumber: i.contactValue ?? null,
    mobilePhoneNumber: null,
    firstName: null,
    lastName: null,
    company: null,
    description: i.description ?? i.data ?? null,
    agentId: i.agent ? (agentIdOf(i.agent.username) ?? null) : null,
    dueDate: i.userData.callbackDueDate ?? new Date(i.createdAt).toISOString().slice(0, 10),
    preferredPeriod: ANY_TIME,
  };
}

/** AgentConfig: the agent and its queue memberships, as XUC sends it when they change. */
export function agentConfig(
  a: AgentConfig,
  dir: AgentRoster,
  groups: Map<string, number>,
  members: ReadonlyArray<{ service: ServiceEntry; penalty: number }>,
): Json {
  const [firstname = '', ...rest] = dir.displayName(a).split(' ');
  const number = String(a.agentId);
  return {
    id: a.agentId,
    firstname,
    lastname: rest.join(' '),
    number,
    context: 'default',
    member: members.map((m) => ({
      queue_name: m.service.code,
      queue_id: m.service.queueId,
      interface: `Agent/${number}`,
      penalty: m.penalty,
      commented: 0,
      usertype: 'Agent',
      userid: a.agentId,
      channel: 'Agent',
      category: 'Queue',
      position: 1,
    })),
    numgroup: groups.get(a.group) ?? 0,
    userid: a.agentId,
  };
}
