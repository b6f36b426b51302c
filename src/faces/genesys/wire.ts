import type { RouterContext } from '@koa/router';
import type { AgentState, Interaction } from '../../backends/backend.js';
import { agentAvailability, availabilityOf, type Availability } from '../../backends/agent-state.js';
import { encodeNotReady, WRAP_UP } from '../../backends/not-ready.js';
import type { AgentConfig } from '../../config/index.js';
import { genesysHttpStatus, genesysStatusCodes, genesysStatusMessages, type Failure } from '../../reasons/index.js';
import type { AgentRoster } from '../../backends/agent-desk.js';
import { refuse } from '../agents/refusal.js';
import { readJson, type FaceState } from '../http.js';

/** The JSON GWS answers with, built from desk views (genesys.md §1, §4; seed 003), and its request fields. */

export type Body = Record<string, unknown>;

export interface GenesysState extends FaceState {
  /** Who called (auth.ts). */
  user: AgentConfig;
}

export type GenesysContext = RouterContext<GenesysState>;

// ------------------------------------------------------------------ answers

export function reply(ctx: GenesysContext, body: Body, statusCode: number): void {
  ctx.status = genesysHttpStatus(statusCode as 0);
  ctx.body = body;
  ctx.state.result = statusCode === 0 ? 'SUCCESS' : 'FAILED';
}

export function failed(ctx: GenesysContext, f: Failure): void {
  ctx.state.failReason = f.reason;
  reply(ctx, statusOf(f), genesysStatusCodes[f.reason]);
}

/** `{statusCode, statusMessage}` for a failure, with the HTTP status to send it with. */
export function statusOf(f: Failure): { statusCode: number; statusMessage: string } {
  return { statusCode: genesysStatusCodes[f.reason], statusMessage: f.message || genesysStatusMessages[genesysStatusCodes[f.reason]] };
}

// ------------------------------------------------------------------ request fields

export function field(body: Body, name: string, kind: 'string' | 'object' | 'array', required = false): unknown {
  const v = body[name];
  if (v === undefined || v === null || v === '') return required ? refuse('MISSING_PARAMETER', `Parameter '${name}' is missing`) : undefined;
  const isKind = kind === 'array' ? Array.isArray(v) : kind === 'object' ? typeof v === 'object' && !Array.isArray(v) : typeof v === kind;
  return isKind ? v : refuse('INVALID_PARAMETER', `Parameter '${name}' is invalid: "expected ${kind === 'object' ? 'an object' : `a ${kind}`}"`);
}

/**
 * User data values are strings in the desk (what the MCC side reads); a nested object or list (GWS
 * userData is a KV list whose values may be KV lists: seed 003 UpdateUserData's "field3") is kept as
 * its JSON text there and given back as the same structure by `userDataView`.
 */
export function userDataOf(body: Body): Record<string, string> {
  const data = field(body, 'userData', 'object', true) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** The desk's user data as GWS shows it: values that are JSON objects or lists come back as structures. */
export function userDataView(data: Readonly<Record<string, string>>): Body {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, structured(v)]));
}

function structured(v: string): unknown {
  if (!/^\s*[[{]/.test(v)) return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

/** The JSON object of an operation request (`{operationName, …}`). */
export async function bodyOf(ctx: GenesysContext, limit: number): Promise<Body> {
  const body = await readJson(ctx, limit);
  if (body === undefined) return refuse('MISSING_PARAMETER', "Parameter 'operationName' is missing");
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse('INVALID_PARAMETER', 'the body must be a JSON object');
  // A JSON null parameter is an absent one (issue 12: desktops send `"loginCode": null` for "none").
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
}

// ------------------------------------------------------------------ resources

/** GWS interaction states for the desk's statuses. */
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
    userData: userDataView(i.userData),
    ...(i.agent ? { agent: i.agent.username } : {}),
    ...(i.workbin !== undefined ? { workbin: i.workbin } : {}),
    ...(i.data !== undefined ? { data: i.data } : {}),
    ...(i.description !== undefined ? { description: i.description } : {}),
    ...(i.contactId !== undefined || i.contactValue !== undefined ? { contact: { id: i.contactId ?? null, value: i.contactValue ?? null } } : {}),
  };
}

/**
 * userState of a channel or of the agent's device, from an availability of the shared model
 * (backends/agent-state.ts; genesys.md §4 DeviceStateChangeMessage): Ready, NotReady with workMode
 * AfterCallWork for wrap-up and AuxWork for any other reason (shown as the store words it, plain
 * busy as "Not Ready"), LoggedOut.
 */
function userState(a: Availability): Body {
  if (a.kind === 'logged-out') return { id: 'LoggedOut', displayName: 'Offline', state: 'LoggedOut' };
  if (a.kind === 'ready') return { id: 'Ready', displayName: 'Ready', state: 'Ready' };
  const reason = a.kind === 'wrap-up' ? WRAP_UP : a.reason;
  const text = reason === undefined ? undefined : encodeNotReady(reason);
  const workMode = a.kind === 'wrap-up' ? 'AfterCallWork' : 'AuxWork';
  const plainBusy = reason === undefined || (reason.kind === 'busy' && reason.code === undefined);
  // A stored '' is a label nobody can read: shown as "Not Ready" and not given, as always.
  return { id: `NotReady-${workMode}`, displayName: !plainBusy && text ? text : 'Not Ready', state: 'NotReady', workMode, ...(text ? { reason: text } : {}) };
}

/** The agent's one device, in the agent's one availability (agent-state.ts's precedence). */
export function deviceResource(a: AgentState, base: string, extra: Body = {}): Body {
  return {
    id: `device-${a.username}`,
    deviceState: 'Active',
    userState: userState(agentAvailability(a)),
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
    return { channel: dir.mediaType(id), userState: userState(availabilityOf(c?.ready, c?.reason)) };
  });
}
