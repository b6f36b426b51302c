import type { AgentDesk, AgentEvent } from '../../backends/agent-desk.js';
import { availabilityOf, type Availability } from '../../backends/agent-state.js';
import type { NotReadyReason } from '../../backends/not-ready.js';
import type { HuaweiEvent } from './wire.js';

/**
 * AgentEvent_Call_Release's content differs by gateway generation: the CEC docs (2023–2025,
 * api-ccfs-cec/cec_07_1363.md) give the bare call id; the older gateway Huawei's browser agent console
 * was written for sends an object, whose `callid` it reads (Proc_agentEvent_callRelease in
 * MoonShadowFei/HWCallCenter page/js/eventHandle/eventProcess.js).
 */
export type CallReleaseContent = 'callid' | 'object';

/** AgentState_SetNotReady_Success reason codes: 2 forced busy after no answer, 200–250 custom, 1 agent busy. */
function busyCode(r: NotReadyReason | undefined): string {
  if (r?.kind === 'no-answer') return '2';
  return r?.kind === 'busy' && r.code !== undefined ? String(r.code) : '1';
}

/**
 * The AgentState_* event a channel's change of availability (backends/agent-state.ts) reads as:
 * the gateway's three not-ready states are wrap-up (work), rest, and busy for every other reason,
 * each with its own event in and out (huawei.md §5). `left` is the availability a READY ends, `why`
 * the reason of a logout.
 */
function stateEvent(now: Availability, left?: Availability, why?: string): [string, unknown] {
  switch (now.kind) {
    case 'logged-out':
      return ['AgentOther_ShutdownService', { loginTime: '', reason: why ?? '' }];
    case 'wrap-up':
      return ['AgentState_Work', null];
    case 'not-ready':
      return now.reason?.kind === 'rest'
        ? ['AgentState_SetRest_Success', { restcause: String(now.reason.cause) }]
        : ['AgentState_SetNotReady_Success', { reason: busyCode(now.reason) }];
    case 'ready':
      if (left?.kind === 'wrap-up') return ['AgentState_CancelWork_Success', null];
      if (left?.kind !== 'not-ready' || left.reason === undefined || left.reason.kind === 'no-answer') return ['AgentState_Ready', null];
      return [left.reason.kind === 'rest' ? 'AgentState_CancelRest_Success' : 'AgentState_CancelNotReady_Success', null];
  }
}

/**
 * One desk event as the CC-Gateway would report it, or nothing (events it has no name for).
 * Interaction events read the session for caller and media; `content` follows the seed's examples.
 */
export async function huaweiEvent(
  engine: AgentDesk,
  workNo: string,
  e: AgentEvent,
  mediaAbility: (channelId: number) => string,
  releaseContent: CallReleaseContent = 'callid',
): Promise<HuaweiEvent | undefined> {
  const make = (eventType: string, content: unknown = null): HuaweiEvent => ({ eventType, workNo, content, eventGenTime: e.at });
  switch (e.kind) {
    case 'LOGGED_IN':
      return make('AgentOther_InService');
    case 'LOGGED_OUT': {
      // Logged out only when logged in nowhere (agent-state.ts): leaving one channel of several is
      // no ShutdownService for the gateway, whose agent is one.
      const now = await engine.agentState(e.username);
      if (now.ok && now.value.loggedIn) return undefined;
      return make(...stateEvent(availabilityOf(undefined), undefined, e.reason));
    }
    case 'READY':
      // The reason of a READY event is the not-ready state it ends.
      return make(...stateEvent(availabilityOf(true), e.reason === undefined ? undefined : availabilityOf(false, e.reason)));
    case 'NOT_READY':
      return make(...stateEvent(availabilityOf(false, e.reason ?? 'busy')));
    default:
      break;
  }
  if (e.sessionId === undefined) return undefined;
  const found = await engine.getInteraction(e.sessionId);
  const s = found.ok ? found.value : undefined;
  const call = {
    caller: s?.contactValue ?? s?.contactId ?? '',
    called: s?.serviceCode ?? '',
    callid: e.sessionId,
    type: 'main',
    feature: '0',
    mediaAbility: mediaAbility(e.channelId ?? s?.channelId ?? 0),
  };
  const released = releaseContent === 'object' ? { callid: e.sessionId } : e.sessionId;
  switch (e.kind) {
    case 'OFFERED':
      return make('AgentEvent_Ringing', { ...call, transfer: 'no', transfrom: '' });
    case 'ASSIGNED':
      return make('AgentEvent_Talking', call);
    case 'RELEASED':
      return make('AgentEvent_Call_Release', released);
    case 'CLOSED':
      return e.reason === 'closed by the caller'
        ? make('AgentEvent_Customer_Release', { callid: e.sessionId, number: call.caller })
        : make('AgentEvent_Call_Release', released);
    default:
      return undefined; // UPDATED, PARKED: the gateway has no event for them
  }
}
