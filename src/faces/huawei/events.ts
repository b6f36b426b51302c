import type { AgentDesk } from '../../backends/agent-desk.js';
import type { AgentEvent } from '../../backends/agent-desk.js';

/** A CC-Gateway event as polled: `{eventType, workNo, content}` (huawei.md §4, §5). */
export interface HuaweiEvent {
  eventType: string;
  workNo: string;
  content: unknown;
  eventGenTime: number;
}

/** Not-ready reasons as the Huawei face sets them: 'busy[:code]', 'rest:<cause>:<seconds>', 'wrap-up'. */
const kindOf = (reason: string | undefined) =>
  reason === 'wrap-up' ? 'work' : reason?.startsWith('rest') ? 'rest' : 'busy';

/** AgentState_SetNotReady_Success reason codes: 2 forced busy after no answer, 200–250 custom, 1 agent busy. */
function busyCode(reason: string | undefined): string {
  if (reason === 'no answer') return '2';
  const code = reason?.startsWith('busy:') ? reason.slice(5) : '';
  return /^\d+$/.test(code) ? code : '1';
}

/**
 * One engine event as the CC-Gateway would report it, or nothing (events it has no name for).
 * Interaction events read the session for caller and media; `content` follows the seed's examples.
 */
export async function huaweiEvent(engine: AgentDesk, workNo: string, e: AgentEvent, mediaAbility: (channelId: number) => string): Promise<HuaweiEvent | undefined> {
  const make = (eventType: string, content: unknown = null): HuaweiEvent => ({ eventType, workNo, content, eventGenTime: e.at });
  switch (e.kind) {
    case 'LOGGED_IN':
      return make('AgentOther_InService');
    case 'LOGGED_OUT':
      return make('AgentOther_ShutdownService', { loginTime: '', reason: e.reason ?? '' });
    case 'READY': {
      const left = e.reason;
      if (left === undefined || left === 'no answer') return make('AgentState_Ready');
      const kind = kindOf(left);
      return make(kind === 'work' ? 'AgentState_CancelWork_Success' : kind === 'rest' ? 'AgentState_CancelRest_Success' : 'AgentState_CancelNotReady_Success');
    }
    case 'NOT_READY': {
      const kind = kindOf(e.reason);
      if (kind === 'work') return make('AgentState_Work');
      if (kind === 'rest') return make('AgentState_SetRest_Success', { restcause: e.reason?.split(':')[1] ?? '0' });
      return make('AgentState_SetNotReady_Success', { reason: busyCode(e.reason) });
    }
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
  switch (e.kind) {
    case 'OFFERED':
      return make('AgentEvent_Ringing', { ...call, transfer: 'no', transfrom: '' });
    case 'ASSIGNED':
      return make('AgentEvent_Talking', call);
    case 'RELEASED':
      return make('AgentEvent_Call_Release', e.sessionId);
    case 'CLOSED':
      return e.reason === 'closed by the caller'
        ? make('AgentEvent_Customer_Release', { callid: e.sessionId, number: call.caller })
        : make('AgentEvent_Call_Release', e.sessionId);
    default:
      return undefined; // UPDATED, PARKED: the gateway has no event for them
  }
}
