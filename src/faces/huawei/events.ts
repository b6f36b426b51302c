import type { AgentDesk, AgentEvent } from '../../backends/agent-desk.js';
import { availabilityOf, type Availability } from '../../backends/agent-state.js';
import type { NotReadyReason } from '../../backends/not-ready.js';
import type { HuaweiFace } from './index.js';
import { answer, failed, setGuid, type HuaweiContext, type HuaweiEvent } from './wire.js';

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
      return now.reason?.kind === 'rest' ? ['AgentState_SetRest_Success', { restcause: String(now.reason.cause) }] : ['AgentState_SetNotReady_Success', { reason: busyCode(now.reason) }];
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
export async function huaweiEvent(engine: AgentDesk, workNo: string, e: AgentEvent, mediaAbility: (channelId: number) => string): Promise<HuaweiEvent | undefined> {
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

/**
 * GET agentevent: the next event of the agent, waiting up to pollWaitMs for one. Polling keeps the
 * Guid alive, and hands out the next Guid once the current one is old (dynamic authentication).
 */
export const pollEvent = (face: HuaweiFace) => async function pollEvent(ctx: HuaweiContext) {
  const { engine } = face;
  const { agent } = ctx.state;
  let session = ctx.state.session;
  if (Date.now() - session.createdAt >= face.guidRotateMs) {
    // The client switches to the new Guid (huawei.md §0); the old one keeps working a while.
    const next = await engine.sessions.rotate(session, face.keepAliveMs, 30_000);
    if (next.ok) {
      session = next.value;
      setGuid(ctx, session.token);
    }
  }
  const workno = String(agent.agentId);
  const deadline = Date.now() + face.pollWaitMs;
  for (;;) {
    // The event feed (one store read for everyone) wakes this poll; it does not re-read on a timer.
    const wait = await face.feed.next(agent.username, Math.max(0, deadline - Date.now()));
    const found = await engine.agentEvents(agent.username, session.cursor, 20);
    if (!found.ok) {
      wait.cancel();
      return failed(ctx, found);
    }
    for (const e of found.value) {
      session.cursor = e.id;
      const event = await huaweiEvent(engine, workno, e, (channelId) => (channelId === 1003 ? '5' : '1'));
      // Several channels report one agent: the same state twice in a row is said once. A call
      // event between them makes the second a new state (a second wrap-up after another call).
      const key = event && e.sessionId === undefined ? `${event.eventType} ${JSON.stringify(event.content)}` : undefined;
      if (!event || (key !== undefined && key === session.lastSent)) continue;
      session.lastSent = key;
      wait.cancel();
      await engine.sessions.save(session);
      return answer(ctx, '0', { event }, '');
    }
    if (found.value.length > 0) await engine.sessions.save(session);
    if (Date.now() >= deadline || ctx.req.destroyed || face.feed.closing) {
      wait.cancel();
      return answer(ctx, '0', { event: null }, '');
    }
    await wait.woken;
  }
};
