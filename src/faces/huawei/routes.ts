import type Router from '@koa/router';
import { agentStateOf, type OneState } from '../../backends/agent-state.js';
import { BUSY, WRAP_UP } from '../../backends/not-ready.js';
import { refuse } from '../agents/refusal.js';
import { signedIn, signIn, signOut } from './auth.js';
import { answerCall, appData, callInfo, dropCall, releaseCall, setCallData } from './calls.js';
import type { HuaweiFace } from './index.js';
import { pollEvent } from './poll.js';
import { answer, bool, done, failed, type HuaweiContext, type HuaweiState } from './wire.js';

/** The CC-Gateway routes (under /agentgateway/resource): sign-in, agent states, events, calls. */
export function huaweiRoutes(router: Router<HuaweiState>, face: HuaweiFace): void {
  const agent = signedIn(face);

  router.put('/onlineagent/:agentid', signIn(face, 'login'));
  router.put('/onlineagent/:agentid/loginex', signIn(face, 'loginex'));
  router.put('/onlineagent/:agentid/forcelogin', signIn(face, 'forcelogin'));
  router.delete('/onlineagent/:agentid/logout', agent, signOut(face, false));
  router.delete('/onlineagent/:agentid/forcelogout', agent, signOut(face, true));
  router.post('/onlineagent/:agentid/resetskill/:autoflag', agent, resetSkill(face));

  router.post('/onlineagent/:agentid/sayfree', agent, ready(face));
  router.post('/onlineagent/:agentid/saybusy', agent, sayBusy(face));
  router.post('/onlineagent/:agentid/cancelbusy', agent, ready(face));
  router.post('/onlineagent/:agentid/rest/:time/:restcause', agent, rest(face));
  router.post('/onlineagent/:agentid/cancelrest', agent, ready(face));
  router.post('/onlineagent/:agentid/work', agent, work(face));
  router.post('/onlineagent/:agentid/cancelwork', agent, ready(face));
  router.post('/onlineagent/:agentid/autoanswer/:flag', agent, autoAnswer(face));
  router.post('/onlineagent/:agentid/autoenteridle/:flag', agent, autoEnterIdle(face));
  router.get('/onlineagent/:agentid/agentstatus', agent, agentStatus(face));

  // @koa/router answers HEAD with the GET route: a HEAD poll would take an event and drop it with the body.
  router.head('/agentevent/:agentid', (ctx) => {
    ctx.status = 405;
    ctx.set('Allow', 'GET');
  });
  router.get('/agentevent/:agentid', agent, pollEvent(face));

  router.put('/voicecall/:agentid/answer', agent, answerCall(face));
  router.post('/voicecall/:agentid/dropcall/:callid', agent, dropCall(face));
  router.delete('/voicecall/:agentid/release', agent, releaseCall(face));
  router.put('/calldata/:agentid/appdata', agent, setCallData(face));
  // The Java agent demo sets call data with setcalldataex, the same body (QueryCallDataService.java
  // in Huawei/CloudIPCC_AgentServerDemo_Java src/AgentServerDemo/src/com/huawei/agentdemo/service/).
  router.put('/calldata/:agentid/setcalldataex', agent, setCallData(face));
  router.get('/calldata/:agentid/appdata', agent, appData(face));
  router.get('/calldata/:agentid/callinfobycallid/:callid', agent, callInfo(face));
}

// ------------------------------------------------------------------ agent states

/**
 * resetskill (api-cec/cec_07_1209): sign in to skills. Huawei's browser agent console calls it after
 * sign-in and starts polling only once it answers 0 (agentLogin_loginSuccess in
 * MoonShadowFei/HWCallCenter page/js/operation/agentLogin.js), as does the Java demo's RESETSKILL
 * (OnlineAgentService.resetSkills, Huawei/CloudIPCC_AgentServerDemo_Java). `true` signs in to every
 * configured skill, which the engine's agent already serves; a `skillid` list (1;2;3) must name
 * skills (queue ids) of the agent, but the engine routes on all of them: a subset is not applied.
 */
const resetSkill = (face: HuaweiFace) =>
  async function resetSkill(ctx: HuaweiContext) {
    const raw = ctx.query.skillid;
    if (ctx.params.autoflag !== 'true' && typeof raw === 'string' && raw !== '') {
      if (raw.length > 4000 || !/^\d+(;\d+)*;?$/.test(raw)) refuse('INVALID_PARAMETER', 'skillid must be skill ids separated by ";"');
      const own = new Set(ctx.state.agent.skills);
      for (const id of raw.split(';').filter(Boolean)) {
        const service = face.directory.serviceByQueueId(Number(id));
        if (!service || !own.has(service.code)) refuse('INVALID_SERVICE_CODES', `skill ${id} is not one of agent ${ctx.params.agentid}'s`);
      }
    }
    answer(ctx, '0', { result: {} });
  };

/** sayfree, cancelbusy, cancelrest and cancelwork all end the not-ready state. */
const ready = (face: HuaweiFace) =>
  async function ready(ctx: HuaweiContext) {
    done(ctx, await face.engine.agentReady(ctx.state.agent.username));
  };

const sayBusy = (face: HuaweiFace) =>
  async function sayBusy(ctx: HuaweiContext) {
    const reason = String(ctx.query.reason ?? '');
    if (reason !== '' && reason !== '0' && !(/^\d+$/.test(reason) && Number(reason) >= 200 && Number(reason) <= 250))
      refuse('INVALID_PARAMETER', 'reason must be 200-250');
    done(
      ctx,
      await face.engine.agentNotReady(ctx.state.agent.username, undefined, reason === '' || reason === '0' ? BUSY : { kind: 'busy', code: Number(reason) }),
    );
  };

const rest = (face: HuaweiFace) =>
  async function rest(ctx: HuaweiContext) {
    const seconds = Number(ctx.params.time);
    const cause = Number(ctx.params.restcause);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86399) refuse('INVALID_PARAMETER', 'time must be 1-86399 seconds');
    if (!Number.isInteger(cause) || cause < 0 || cause > 255) refuse('INVALID_PARAMETER', 'restcause must be 0-255');
    done(ctx, await face.engine.agentNotReady(ctx.state.agent.username, undefined, { kind: 'rest', cause, seconds }));
  };

const work = (face: HuaweiFace) =>
  async function work(ctx: HuaweiContext) {
    done(ctx, await face.engine.agentNotReady(ctx.state.agent.username, undefined, WRAP_UP));
  };

const autoAnswer = (face: HuaweiFace) =>
  async function autoAnswer(ctx: HuaweiContext) {
    done(ctx, await face.engine.setAgentOptions(ctx.state.agent.username, { autoAnswer: bool({ flag: ctx.params.flag }, 'flag', false) }));
  };

const autoEnterIdle = (face: HuaweiFace) =>
  async function autoEnterIdle(ctx: HuaweiContext) {
    done(ctx, await face.engine.setAgentOptions(ctx.state.agent.username, { autoIdle: ctx.params.flag === 'true' }));
  };

/**
 * Gateway agent states (huawei.md §3.3, "Agent Status" api-cec/cec_07_0581.html): 2 signed out,
 * 3 busy, 4 idle, 5 wrap-up, 7 talking, 8 rest; the one state comes from the shared model
 * (backends/agent-state.ts). The gateway has no ringing state: an offer reads as the availability
 * under it, and AgentEvent_Ringing tells the client.
 */
export function gatewayState(one: OneState): number {
  switch (one.kind) {
    case 'logged-out':
      return 2;
    case 'in-session':
      return 7;
    case 'wrap-up':
      return 5;
    case 'ready':
      return 4;
    case 'not-ready':
      return one.reason?.kind === 'rest' ? 8 : 3;
    case 'offered':
      return 4; // not reached: agentStatus does not show offers
  }
}

const agentStatus = (face: HuaweiFace) =>
  async function agentStatus(ctx: HuaweiContext) {
    const { username } = ctx.state.agent;
    const [state, held] = await Promise.all([face.engine.agentState(username), face.engine.heldInteractions(username)]);
    if (!state.ok) return failed(ctx, state);
    if (!held.ok) return failed(ctx, held);
    const one = agentStateOf(state.value, held.value, ['in-session']);
    answer(ctx, '0', { result: { agentState: gatewayState(one), isWorking: one.kind === 'in-session' } });
  };
