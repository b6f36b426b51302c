import { inProgress, type Interaction } from '../../backends/backend.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import { refuse } from '../agents/refusal.js';
import { readJson } from '../http.js';
import type { HuaweiFace } from './index.js';
import { answer, done, failed, isTextChannel, text, type Body, type HuaweiContext } from './wire.js';

/** The calls of the CC-Gateway (voicecall/…, calldata/…) on the engine's MCC sessions. */

function callIdOf(ctx: HuaweiContext, from: 'query' | 'param'): string {
  const id = from === 'query' ? ctx.query.callid : ctx.params.callid;
  return typeof id === 'string' && id !== '' ? id : refuse('MISSING_PARAMETER', 'callid is required');
}

/** One of the agent's own sessions by id: another agent's call is refused. */
async function ownCall(face: HuaweiFace, ctx: HuaweiContext, callid: string): Promise<Outcome<Interaction>> {
  const found = await face.engine.getInteraction(callid);
  if (!found.ok) return found;
  return found.value.agent?.username === ctx.state.agent.username ? found : fail('INVALID_STATE', `call ${callid} is not the agent's`);
}

/**
 * PUT voicecall/{agentid}/answer (api-cec/cec_07_1234): `callid` picks the call (needed when several
 * multimedia calls coexist); without it, the call ringing on the agent is answered, as both Huawei
 * clients send it (VoiceCallService.answer in Huawei/CloudIPCC_AgentServerDemo_Java; VoiceCall.answer
 * with only agentid, agentCallOperation_toAnswer in MoonShadowFei/HWCallCenter). No call ringing: 200-002.
 */
export const answerCall = (face: HuaweiFace) =>
  async function answerCall(ctx: HuaweiContext) {
    const { username } = ctx.state.agent;
    const given = ctx.query.callid;
    let id = typeof given === 'string' && given !== '' ? given : undefined;
    if (id === undefined) {
      const held = await face.engine.heldInteractions(username);
      if (!held.ok) return failed(ctx, held);
      id = held.value.find((i) => i.status === 'BOOKED')?.id;
      if (id === undefined) return failed(ctx, fail('UNKNOWN_INTERACTION', 'no call is ringing on the agent'));
    }
    done(ctx, await face.engine.accept(id, username));
  };

export const dropCall = (face: HuaweiFace) =>
  async function dropCall(ctx: HuaweiContext) {
    done(ctx, await face.engine.complete(callIdOf(ctx, 'param'), 'agent', ctx.state.agent.username));
  };

/** Release the current call: the one the agent is talking on. */
export const releaseCall = (face: HuaweiFace) =>
  async function releaseCall(ctx: HuaweiContext) {
    const { username } = ctx.state.agent;
    const held = await face.engine.heldInteractions(username);
    if (!held.ok) return failed(ctx, held);
    const current = held.value.find(inProgress);
    if (!current) return failed(ctx, fail('UNKNOWN_INTERACTION', 'the agent is not talking'));
    done(ctx, await face.engine.complete(current.id, 'agent', username));
  };

/** Call-associated data: `calldata` becomes the session's MCC sessionData; other keys are kept beside it. */
export const setCallData = (face: HuaweiFace) =>
  async function setCallData(ctx: HuaweiContext) {
    const body = ((await readJson(ctx, face.bodyLimit)) ?? {}) as Body;
    const callid = text(body, 'callid', 64, true) as string;
    const data = text(body, 'calldata', 16384, true) as string;
    const own = await ownCall(face, ctx, callid);
    if (!own.ok) return failed(ctx, own);
    done(ctx, await face.engine.updateUserData(callid, { sessionData: data }));
  };

/** The call a calldata query means: the `callid`/`callId` given, else the one the agent is on (ringing or talking). */
async function queriedCall(face: HuaweiFace, ctx: HuaweiContext): Promise<Outcome<Interaction>> {
  const given = ctx.query.callid ?? ctx.query.callId;
  if (typeof given === 'string' && given !== '') return ownCall(face, ctx, given);
  const held = await face.engine.heldInteractions(ctx.state.agent.username);
  if (!held.ok) return held;
  const current = held.value.find(inProgress) ?? held.value.find((i) => i.status === 'BOOKED');
  return current ? ok(current) : fail('UNKNOWN_INTERACTION', 'the agent is not in a call');
}

/**
 * GET calldata/{agentid}/appdata (api-cec/cec_07_1262): the call's associated data as the result
 * string, Base64 when isEncodeResult=true. The Java demo reads it with only the agent id
 * (QueryCallDataService, Huawei/CloudIPCC_AgentServerDemo_Java); the browser console likewise
 * (CallData.queryCallAppData, MoonShadowFei/HWCallCenter new_agent_resource.js).
 */
export const appData = (face: HuaweiFace) =>
  async function appData(ctx: HuaweiContext) {
    const call = await queriedCall(face, ctx);
    if (!call.ok) return failed(ctx, call);
    const data = call.value.userData.sessionData ?? '';
    answer(ctx, '0', { result: ctx.query.isEncodeResult === 'true' ? Buffer.from(data, 'utf8').toString('base64') : data });
  };

/**
 * GET calldata/{agentid}/callinfobycallid/{callid} (api-cec/cec_07_1266). The browser console asks
 * it on every AgentEvent_Ringing and reads called, caller, callid, calldata, orgicallednum,
 * callfeature and callskill (eventProcess_queryCallInfoByCallId in MoonShadowFei/HWCallCenter
 * page/js/eventHandle/eventProcess.js, whose comment shows the gateway's answer); without an answer
 * its Ringing handler fails on a missing call. callfeature 0 is an ordinary inbound call.
 */
export const callInfo = (face: HuaweiFace) =>
  async function callInfo(ctx: HuaweiContext) {
    const call = await ownCall(face, ctx, callIdOf(ctx, 'param'));
    if (!call.ok) return failed(ctx, call);
    const s = call.value;
    const service = face.directory.service(s.channelId, s.serviceCode);
    answer(ctx, '0', {
      result: {
        called: s.serviceCode,
        caller: s.contactValue ?? s.contactId ?? '',
        callid: s.id,
        calldata: s.userData.sessionData ?? '',
        orgicallednum: '',
        callfeature: 0,
        callskill: service?.name ?? s.serviceCode,
        callskillid: service?.queueId,
        mediaAbility: isTextChannel(s.channelId) ? 5 : 1,
        begintime: s.createdAt,
        endtime: s.closedAt ?? null,
      },
    });
  };
