import type { AgentState, Interaction } from '../../backends/backend.js';
import { genesysStatusCodes, genesysStatusMessages, type Failure } from '../../reasons/index.js';
import type { AgentRoster } from '../../backends/agent-desk.js';

/** The JSON GWS answers with, built from engine views (genesys.md §1, §4; seed 003). */

export type Body = Record<string, unknown>;

/** `{statusCode, statusMessage}` for a failure, with the HTTP status to send it with. */
export function statusOf(f: Failure): { statusCode: number; statusMessage: string } {
  return { statusCode: genesysStatusCodes[f.reason], statusMessage: f.message || genesysStatusMessages[genesysStatusCodes[f.reason]] };
}

/** GWS interaction states for the engine's statuses. */
export function interactionState(i: Interaction): string {
  if (i.status === 'BOOKED') return 'Invited';
  if (i.status === 'ASSIGNED') return i.workbin !== undefined ? 'InWorkbin' : 'Processing';
  if (i.status === 'CLOSED') return 'Completed';
  return 'Queued';
}

const capabilitiesByState: Record<string, string[]> = {
  Invited: ['Accept', 'Reject'],
  Processing: ['Complete', 'Cancel', 'PlaceInQueue', 'Transfer', 'AttachUserData', 'UpdateUserData', 'DeleteUserData', 'PlaceInWorkbin'],
  InWorkbin: ['Accept', 'Complete', 'Transfer'],
};

/** The interaction resource: the same shape in GET replies and in CometD notifications. */
export function interactionResource(i: Interaction, dir: AgentRoster, base: string, viewer?: string, state = interactionState(i)): Body {
  const mine = viewer !== undefined && i.agent?.username === viewer;
  return {
    id: i.id,
    state,
    mediaType: dir.mediaType(i.channelId),
    queue: i.serviceCode,
    capabilities: mine ? (capabilitiesByState[state] ?? []) : [],
    uri: `${base}/api/v2/interactions/${encodeURIComponent(i.id)}`,
    path: `/interactions/${i.id}`,
    receivedDate: new Date(i.createdAt).toISOString(),
    userData: { ...i.userData },
    ...(i.agent ? { agent: i.agent.username } : {}),
    ...(i.workbin !== undefined ? { workbin: i.workbin } : {}),
    ...(i.data !== undefined ? { data: i.data } : {}),
    ...(i.description !== undefined ? { description: i.description } : {}),
    ...(i.contactId !== undefined || i.contactValue !== undefined ? { contact: { id: i.contactId ?? null, value: i.contactValue ?? null } } : {}),
  };
}

/** userState of a channel or of the agent's device. */
function userState(ready: boolean | undefined, reason?: string): Body {
  if (ready === undefined) return { id: 'LoggedOut', displayName: 'Offline', state: 'LoggedOut' };
  if (ready) return { id: 'Ready', displayName: 'Ready', state: 'Ready' };
  const workMode = reason === 'wrap-up' ? 'AfterCallWork' : 'AuxWork';
  return { id: `NotReady-${workMode}`, displayName: reason && reason !== 'busy' ? reason : 'Not Ready', state: 'NotReady', workMode, ...(reason ? { reason } : {}) };
}

/** The agent's one device: Ready when ready anywhere, NotReady when logged in, LoggedOut otherwise. */
export function deviceResource(a: AgentState, base: string, extra: Body = {}): Body {
  const ready = a.loggedIn ? a.channels.some((c) => c.ready) : undefined;
  const reason = a.channels.find((c) => !c.ready)?.reason;
  return {
    id: `device-${a.username}`,
    deviceState: 'Active',
    userState: userState(ready, ready ? undefined : reason),
    phoneNumber: a.phone ?? '',
    e164Number: '',
    telephonyNetwork: 'Private',
    doNotDisturb: 'Off',
    voiceEnvironmentUri: `${base}/api/v2/voice-environments/embedded`,
    capabilities: [],
    ...extra,
  };
}

/** Every configured channel the agent may use, with its state. */
export function channelResources(a: AgentState, dir: AgentRoster, channelIds: readonly number[]): Body[] {
  return channelIds.map((id) => {
    const c = a.channels.find((x) => x.channelId === id);
    return { channel: dir.mediaType(id), userState: userState(c?.ready, c?.reason) };
  });
}
