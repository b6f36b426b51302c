import { isIPv4 } from 'node:net';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AgentDesk, LoginOptions } from '../../backends/agent-desk.js';
import { inProgress } from '../../backends/backend.js';
import type { AgentConfig } from '../../config/index.js';
import { fail, huaweiRetcodeMessages, huaweiRetcodes, huaweiSignInRetcodes, type Failure, type HuaweiRetcode, type Outcome, type Reason } from '../../reasons/index.js';
import type { AgentSession } from '../../backends/agent-desk.js';
import type { AgentRoster } from '../../backends/agent-desk.js';
import type { AgentEventFeed } from '../agents/feed.js';
import { BodyError, readJson, type FaceState } from '../http.js';
import { huaweiEvent } from './events.js';

export const HUAWEI_FACE = 'huawei';
const SERVER_NAME = 'AgentGateway0';

export interface HuaweiFaceOptions {
  engine: AgentDesk;
  /** Wakes event polls when their agent has news. */
  feed: AgentEventFeed;
  directory: AgentRoster;
  bodyLimit: number;
  pollWaitMs: number;
  keepAliveMs: number;
  guidRotateMs: number;
}

interface HuaweiState extends FaceState {
  agent: AgentConfig;
  session: AgentSession;
}

type Body = Record<string, unknown>;

/** A request the face refuses before the engine sees it, in the catalog's words. */
class Refusal extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}
const refuse = (reason: Reason, message: string): never => {
  throw new Refusal(fail(reason, message));
};

/** The docs send numbers and booleans as strings too ("status":"4", "releasephone":"false"). */
function bool(body: Body, name: string, fallback: boolean): boolean {
  const v = body[name];
  if (v === undefined || v === null || v === '') return fallback;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return refuse('INVALID_PARAMETER', `${name} must be true or false`);
}
function int(body: Body, name: string, allowed: readonly number[], fallback: number): number {
  const v = body[name];
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return allowed.includes(n) ? n : refuse('INVALID_PARAMETER', `${name} must be one of ${allowed.join(', ')}`);
}
function text(body: Body, name: string, max: number, required: boolean): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return required ? refuse('MISSING_PARAMETER', `${name} is required`) : undefined;
  if (typeof v !== 'string' && typeof v !== 'number') return refuse('INVALID_PARAMETER', `${name} must be a string`);
  const s = String(v);
  return s.length > max ? refuse('INVALID_PARAMETER', `${name} is longer than ${max} characters`) : s;
}

/** The Guid header: the part after "JSESSIONID=" if present, without the ".AgentGatewayN" node suffix. */
const tokenOf = (guid: string) => guid.replace(/^JSESSIONID=/i, '').split('.')[0] ?? '';

/**
 * The Huawei CC-Gateway face of the embedded engine (seed 002, huawei.md): sign-in with every body
 * parameter and its limits, the rotating `Guid` session header kept alive by event polling, agent
 * states, and calls. Every answer is `{message, retcode, result}` with retcodes from the shared
 * catalog; the events are the engine's agent event log, polled.
 */
export function huaweiRoutes(options: HuaweiFaceOptions): Router {
  const { engine, directory: dir } = options;
  const router = new Router({ prefix: '/agentgateway/resource' });
  const signingIn = new Set<number>();

  const answer = (ctx: Context, retcode: HuaweiRetcode | '0', extra: Body = {}, message?: string) => {
    ctx.status = 200; // business errors travel in retcode (huawei.md §1.1)
    ctx.body = { message: message ?? (retcode === '0' ? 'success' : huaweiRetcodeMessages[retcode]), retcode, ...extra };
    (ctx.state as FaceState).result = retcode === '0' ? 'SUCCESS' : 'FAILED';
  };
  const failed = (ctx: Context, f: Failure, table: Record<Reason, HuaweiRetcode> = huaweiRetcodes) => {
    (ctx.state as FaceState).failReason = f.reason;
    answer(ctx, table[f.reason], {}, f.message);
  };
  const done = (ctx: Context, out: Outcome<unknown>) => (out.ok ? answer(ctx, '0', { result: {} }) : failed(ctx, out));

  router.use(async (ctx, next) => {
    (ctx.state as FaceState).face = 'huawei';
    try {
      await next();
    } catch (e) {
      const signIn = /\/onlineagent\/[^/]+(\/loginex|\/forcelogin)?$/.test(ctx.path) && ctx.method === 'PUT';
      if (e instanceof Refusal) return failed(ctx, e.failure, signIn ? huaweiSignInRetcodes : huaweiRetcodes);
      if (e instanceof BodyError) return failed(ctx, fail('INVALID_PARAMETER', e.message), signIn ? huaweiSignInRetcodes : huaweiRetcodes);
      throw e;
    }
  });

  const workNo = (ctx: Context): number => {
    const raw = String(ctx.params.agentid ?? '');
    const n = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
    return n >= 101 && n <= 59999 ? n : refuse('INVALID_PARAMETER', `agent id ${raw} is not in 101-59999`);
  };

  /** The caller's Guid must be live and belong to the agent in the URL; polling and calls keep it alive. */
  const authorized = async (ctx: Context, next: () => Promise<unknown>) => {
    const id = workNo(ctx);
    const guid = ctx.get('guid');
    const session = guid ? await engine.sessions.find(tokenOf(guid), HUAWEI_FACE, options.keepAliveMs) : fail('SESSION_EXPIRED');
    if (!session.ok) return failed(ctx, session.reason === 'SESSION_EXPIRED' ? fail('SESSION_EXPIRED', 'the Guid is missing, unknown or expired: sign in again') : session);
    const agent = dir.agentById(id);
    // A Guid of another agent: the gateway answers "not signed in" (huawei.md §2.1).
    if (!agent || agent.username !== session.value.username) return failed(ctx, fail('AGENT_NOT_LOGGED_IN', `agent ${id} is not signed in with this Guid`));
    const state = ctx.state as HuaweiState;
    state.agent = agent;
    state.session = session.value;
    await next();
  };
  const agentOf = (ctx: Context) => (ctx.state as HuaweiState).agent;

  // ------------------------------------------------------------------ sign-in and sign-out

  const signIn = (mode: 'login' | 'loginex' | 'forcelogin') => async (ctx: Context) => {
    (ctx.state as FaceState).operation = mode;
    const id = workNo(ctx);
    const raw = await readJson(ctx, options.bodyLimit);
    const body = (raw ?? {}) as Body;
    if (typeof body !== 'object' || Array.isArray(body)) refuse('INVALID_PARAMETER', 'the body must be a JSON object');
    const password = text(body, 'password', 32, true) as string;
    const phone = text(body, 'phonenum', 24, mode !== 'loginex');
    if (phone !== undefined && !/^[0-9*#+]*$/.test(phone)) refuse('INVALID_PARAMETER', 'phonenum must be digits');
    const status = int(body, 'status', [3, 4, 5], 4);
    int(body, 'agenttype', [4, 11], 4);
    const ip = text(body, 'ip', 15, false);
    if (ip !== undefined && !isIPv4(ip)) refuse('INVALID_PARAMETER', 'ip must be an IPv4 address');
    text(body, 'entryIp', 15, false);
    text(body, 'vcPhoneNumber', 24, false);
    const autoAnswer = bool(body, 'autoanswer', true);
    const autoIdle = bool(body, 'autoenteridle', true);
    for (const name of ['releasephone', 'phonelinkage', 'checkInWebm', 'checkInMailm', 'listenStatus']) bool(body, name, false);

    const agent = dir.agentById(id);
    if (!agent || !dir.authenticate(agent.username, password).ok) return failed(ctx, fail('UNAUTHENTICATED', 'wrong agent id or password'), huaweiSignInRetcodes);
    if (signingIn.has(id)) return failed(ctx, fail('OPERATION_PENDING', `a sign-in of agent ${id} is in progress`), huaweiSignInRetcodes);
    signingIn.add(id);
    try {
      const current = await engine.agentState(agent.username);
      if (!current.ok) return failed(ctx, current, huaweiSignInRetcodes);
      if (current.value.loggedIn) {
        if (mode !== 'forcelogin') return failed(ctx, fail('AGENT_ALREADY_LOGGED_IN', `agent ${id} has already signed in; use forcelogin`), huaweiSignInRetcodes);
        const out = await engine.agentLogout(agent.username, undefined, 'forced sign-in');
        if (!out.ok) return failed(ctx, out, huaweiSignInRetcodes);
      }
      await engine.sessions.close({ username: agent.username, face: HUAWEI_FACE });
      // The session (and its event cursor) first, so the sign-in events are the first polled.
      const session = await engine.sessions.open(agent.username, HUAWEI_FACE, { ttlMs: options.keepAliveMs, logoutOnExpiry: true });
      if (!session.ok) return failed(ctx, session, huaweiSignInRetcodes);
      const login: LoginOptions = {
        autoAnswer,
        autoIdle,
        initial: status === 4 ? { ready: true } : { ready: false, reason: status === 5 ? 'wrap-up' : 'busy' },
        ...((phone ?? agent.line) !== undefined ? { phone: (phone ?? agent.line) as string } : {}),
      };
      const out = await engine.agentLogin(agent.username, dir.workChannels(agent), login);
      if (!out.ok) {
        await engine.sessions.close({ token: session.value.token });
        return failed(ctx, out, huaweiSignInRetcodes);
      }
      ctx.set('Set-GUID', `JSESSIONID=${session.value.token}.${SERVER_NAME}`);
      return answer(ctx, '0', {
        result: {
          vdnid: 1,
          workno: String(id),
          mediatype: 'TTF',
          loginTime: String(session.value.createdAt),
          isForceChange: 'false',
          serverName: 'AgentGateway',
          timeRemaining: '',
        },
      }, '');
    } finally {
      signingIn.delete(id);
    }
  };
  router.put('/onlineagent/:agentid', signIn('login'));
  router.put('/onlineagent/:agentid/loginex', signIn('loginex'));
  router.put('/onlineagent/:agentid/forcelogin', signIn('forcelogin'));

  const signOut = (force: boolean) => async (ctx: Context) => {
    (ctx.state as FaceState).operation = force ? 'forcelogout' : 'logout';
    const agent = agentOf(ctx);
    if (!force) {
      // Sign-out is refused while talking (huawei.md §3.2); forcelogout releases the call.
      const held = await engine.heldInteractions(agent.username);
      if (held.ok && held.value.some(inProgress)) return failed(ctx, fail('INVALID_STATE', 'the agent is talking: release the call first or use forcelogout'));
    }
    const out = await engine.agentLogout(agent.username, undefined, force ? 'forced sign-out' : 'signed out');
    await engine.sessions.close({ username: agent.username, face: HUAWEI_FACE });
    return out.ok || out.reason === 'AGENT_NOT_LOGGED_IN' ? answer(ctx, '0') : failed(ctx, out);
  };
  router.delete('/onlineagent/:agentid/logout', authorized, signOut(false));
  router.delete('/onlineagent/:agentid/forcelogout', authorized, signOut(true));

  // ------------------------------------------------------------------ agent states

  router.post('/onlineagent/:agentid/sayfree', authorized, async (ctx) => done(ctx, await engine.agentReady(agentOf(ctx).username)));
  router.post('/onlineagent/:agentid/saybusy', authorized, async (ctx) => {
    const reason = String(ctx.query.reason ?? '');
    if (reason !== '' && reason !== '0' && !(/^\d+$/.test(reason) && Number(reason) >= 200 && Number(reason) <= 250)) refuse('INVALID_PARAMETER', 'reason must be 200-250');
    done(ctx, await engine.agentNotReady(agentOf(ctx).username, undefined, reason === '' || reason === '0' ? 'busy' : `busy:${reason}`));
  });
  router.post('/onlineagent/:agentid/cancelbusy', authorized, async (ctx) => done(ctx, await engine.agentReady(agentOf(ctx).username)));
  router.post('/onlineagent/:agentid/rest/:time/:restcause', authorized, async (ctx) => {
    const time = Number(ctx.params.time);
    const cause = Number(ctx.params.restcause);
    if (!Number.isInteger(time) || time < 1 || time > 86399) refuse('INVALID_PARAMETER', 'time must be 1-86399 seconds');
    if (!Number.isInteger(cause) || cause < 0 || cause > 255) refuse('INVALID_PARAMETER', 'restcause must be 0-255');
    done(ctx, await engine.agentNotReady(agentOf(ctx).username, undefined, `rest:${cause}:${time}`));
  });
  router.post('/onlineagent/:agentid/cancelrest', authorized, async (ctx) => done(ctx, await engine.agentReady(agentOf(ctx).username)));
  router.post('/onlineagent/:agentid/work', authorized, async (ctx) => done(ctx, await engine.agentNotReady(agentOf(ctx).username, undefined, 'wrap-up')));
  router.post('/onlineagent/:agentid/cancelwork', authorized, async (ctx) => done(ctx, await engine.agentReady(agentOf(ctx).username)));
  router.post('/onlineagent/:agentid/autoanswer/:flag', authorized, async (ctx) => {
    done(ctx, await engine.setAgentOptions(agentOf(ctx).username, { autoAnswer: bool({ flag: ctx.params.flag }, 'flag', false) }));
  });
  router.post('/onlineagent/:agentid/autoenteridle/:flag', authorized, async (ctx) => {
    done(ctx, await engine.setAgentOptions(agentOf(ctx).username, { autoIdle: ctx.params.flag === 'true' }));
  });

  /** Gateway agent states: 2 signed out, 3 busy, 4 idle, 5 wrap-up, 7 talking, 8 rest (huawei.md §3.3). */
  router.get('/onlineagent/:agentid/agentstatus', authorized, async (ctx) => {
    const agent = agentOf(ctx);
    const [state, held] = await Promise.all([engine.agentState(agent.username), engine.heldInteractions(agent.username)]);
    if (!state.ok) return failed(ctx, state);
    if (!held.ok) return failed(ctx, held);
    const talking = held.value.some(inProgress);
    const reason = state.value.channels.find((c) => !c.ready)?.reason;
    const code = !state.value.loggedIn ? 2 : talking ? 7 : state.value.channels.some((c) => c.ready) ? 4 : reason === 'wrap-up' ? 5 : reason?.startsWith('rest') ? 8 : 3;
    answer(ctx, '0', { result: { agentState: code, isWorking: talking } });
  });

  // ------------------------------------------------------------------ events (polling keeps the Guid alive)

  router.get('/agentevent/:agentid', authorized, async (ctx) => {
    const state = ctx.state as HuaweiState;
    let session = state.session;
    if (Date.now() - session.createdAt >= options.guidRotateMs) {
      // Dynamic authentication: hand out the next Guid; the client switches to it (huawei.md §0).
      const next = await engine.sessions.rotate(session, options.keepAliveMs, 30_000);
      if (next.ok) {
        session = next.value;
        ctx.set('Set-GUID', `JSESSIONID=${session.token}.${SERVER_NAME}`);
      }
    }
    const workno = String(state.agent.agentId);
    const deadline = Date.now() + options.pollWaitMs;
    for (;;) {
      // The event feed (one store read for everyone) wakes this poll; it does not re-read on a timer.
      const wait = await options.feed.next(state.agent.username, Math.max(0, deadline - Date.now()));
      const found = await engine.agentEvents(state.agent.username, session.cursor, 20);
      if (!found.ok) {
        wait.cancel();
        return failed(ctx, found);
      }
      for (const e of found.value) {
        session.cursor = e.id;
        const event = await huaweiEvent(engine, workno, e, (channelId) => (channelId === 1003 ? '5' : '1'));
        // Several channels report one agent: the same state twice in a row is said once.
        const key = event && e.sessionId === undefined ? `${event.eventType} ${JSON.stringify(event.content)}` : undefined;
        if (!event || (key !== undefined && key === session.lastSent)) continue;
        if (key !== undefined) session.lastSent = key;
        wait.cancel();
        await engine.sessions.save(session);
        return answer(ctx, '0', { event }, '');
      }
      if (found.value.length > 0) await engine.sessions.save(session);
      if (Date.now() >= deadline || ctx.req.destroyed) {
        wait.cancel();
        return answer(ctx, '0', { event: null }, '');
      }
      await wait.woken;
    }
  });

  // ------------------------------------------------------------------ calls (MCC sessions)

  const callIdOf = (ctx: Context, from: 'query' | 'param') => {
    const id = from === 'query' ? ctx.query.callid : ctx.params.callid;
    return typeof id === 'string' && id !== '' ? id : refuse('MISSING_PARAMETER', 'callid is required');
  };
  router.put('/voicecall/:agentid/answer', authorized, async (ctx) => {
    const id = callIdOf(ctx, 'query');
    done(ctx, await engine.accept(id, agentOf(ctx).username));
  });
  router.post('/voicecall/:agentid/dropcall/:callid', authorized, async (ctx) => {
    done(ctx, await engine.complete(callIdOf(ctx, 'param'), 'agent', agentOf(ctx).username));
  });
  /** Release the current call: the one the agent is talking on. */
  router.delete('/voicecall/:agentid/release', authorized, async (ctx) => {
    const held = await engine.heldInteractions(agentOf(ctx).username);
    if (!held.ok) return failed(ctx, held);
    const current = held.value.find(inProgress);
    if (!current) return failed(ctx, fail('UNKNOWN_INTERACTION', 'the agent is not talking'));
    done(ctx, await engine.complete(current.id, 'agent', agentOf(ctx).username));
  });
  /** Call-associated data: `calldata` becomes the session's MCC sessionData; other keys are kept beside it. */
  router.put('/calldata/:agentid/appdata', authorized, async (ctx) => {
    const body = ((await readJson(ctx, options.bodyLimit)) ?? {}) as Body;
    const callid = text(body, 'callid', 64, true) as string;
    const data = text(body, 'calldata', 16384, true) as string;
    const found = await engine.getInteraction(callid);
    if (!found.ok) return failed(ctx, found);
    if (found.value.agent?.username !== agentOf(ctx).username) return failed(ctx, fail('INVALID_STATE', `call ${callid} is not the agent's`));
    done(ctx, await engine.updateUserData(callid, { sessionData: data }));
  });

  return router;
}
