import { isIPv4 } from 'node:net';
import type { AgentSession, LoginOptions } from '../../backends/agent-desk.js';
import { inProgress } from '../../backends/backend.js';
import { BUSY, WRAP_UP } from '../../backends/not-ready.js';
import { fail, huaweiSignInRetcodes, type Failure } from '../../reasons/index.js';
import { refuse } from '../agents/refusal.js';
import { readJson } from '../http.js';
import { deliveryOf, withDelivery } from './delivery.js';
import type { HuaweiFace } from './index.js';
import { answer, bool, failed, int, isTextChannel, refuseWith, setGuid, text, tokenOf, workNo, type Body, type HuaweiContext } from './wire.js';

/** The sign-in agent types: 4 PC+phone, 11 PC+phone video (absent: 4); numbers or their strings (huawei.md §3.1). */
const isAgentType = (v: unknown) => v === undefined || v === null || v === '' || [4, 11, '4', '11'].includes(v as number | string);

/**
 * How a Huawei agent signs in and is recognised (huawei.md §0, §2): sign-in with every body
 * parameter and its limits opens a session whose token is the `Guid` header of later calls; the
 * Guid must be live and the agent's, and polling keeps it alive.
 */

export const HUAWEI_FACE = 'huawei';

/**
 * A user the Guid was opened for is gone once a reload removed it, took its agent profile, its
 * agent id or its password: it could not sign in again, so it is not kept signed in.
 */
export function gone(face: HuaweiFace, username: string): boolean {
  const user = face.directory.user(username);
  return !user || !user.profiles.includes('agent') || user.agentId === undefined || user.password === undefined;
}

/**
 * End a Guid of a user the configuration no longer has as an agent, and its login. The Guid is kept,
 * marked, so later calls with it hear "not signed in" (100-006) rather than "unknown Guid"; it no
 * longer signs anyone out when it lapses. Each of the agent's Guids is ended the first time it is used.
 */
export async function endGuid(face: HuaweiFace, session: AgentSession): Promise<Failure> {
  await face.engine.agentLogout(session.username, undefined, 'removed from the configuration');
  await face.engine.sessions.save(withDelivery({ ...session, logoutOnExpiry: false }, { ...deliveryOf(session), ended: true }));
  return fail('AGENT_NOT_LOGGED_IN', 'the agent is no longer configured: sign in again');
}

/**
 * The caller's Guid must be live and belong to the agent in the URL; polling and calls keep it
 * alive. Past it, the request counts against the agent's own budget; refused, against its IP's (a
 * made-up Guid is no fresh budget).
 */
export const signedIn = (face: HuaweiFace) =>
  async function signedIn(ctx: HuaweiContext, next: () => Promise<unknown>) {
    const id = workNo(ctx);
    const guid = ctx.get('guid');
    // No principal is known yet here, so the budget spent is the IP's.
    const refuse = (f: Parameters<typeof failed>[1]) => (face.limit ? face.limit(ctx, async () => failed(ctx, f)) : failed(ctx, f));
    const session = guid ? await face.engine.sessions.find(tokenOf(guid), HUAWEI_FACE, face.keepAliveMs) : fail('SESSION_EXPIRED');
    if (!session.ok)
      return refuse(session.reason === 'SESSION_EXPIRED' ? fail('SESSION_EXPIRED', 'the Guid is missing, unknown or expired: sign in again') : session);
    const { username } = session.value;
    // A reload removed or disabled the agent: its Guids end, and it hears "not signed in" (huawei.md §1.2, 100-006).
    if (deliveryOf(session.value).ended) return refuse(fail('AGENT_NOT_LOGGED_IN', 'the agent is no longer configured: sign in again'));
    if (gone(face, username)) return refuse(await endGuid(face, session.value));
    const agent = face.directory.agentById(id);
    // A Guid of another agent: the gateway answers "not signed in" (huawei.md §2.1).
    if (!agent || agent.username !== username) return refuse(fail('AGENT_NOT_LOGGED_IN', `agent ${id} is not signed in with this Guid`));
    ctx.state.agent = agent;
    ctx.state.session = session.value;
    ctx.state.principal = `huawei:${username}`;
    await (face.limit ? face.limit(ctx, next) : next());
  };

export const signIn = (face: HuaweiFace, mode: 'login' | 'loginex' | 'forcelogin') =>
  async function signIn(ctx: HuaweiContext) {
    const { engine, directory: dir } = face;
    ctx.state.operation = mode;
    ctx.state.retcodes = huaweiSignInRetcodes;
    const id = workNo(ctx);
    const { throttle } = face.security;
    // Failed sign-ins share the failed-authentication budget of every door, per IP and per agent id:
    // past it, refused before any password is compared, as the gateway's "account locked" (110-016,
    // listed among loginex's error codes, seed 002).
    const wait = await throttle.blocked(ctx.ip, String(id));
    if (wait !== undefined) {
      ctx.set('Retry-After', String(wait));
      return answer(ctx, '110-016', {}, `too many failed sign-ins: retry in ${wait} s`);
    }
    const body = ((await readJson(ctx, face.bodyLimit)) ?? {}) as Body;
    if (typeof body !== 'object' || Array.isArray(body)) refuse('INVALID_PARAMETER', 'the body must be a JSON object');
    const password = text(body, 'password', 32, true) as string;
    const phone = text(body, 'phonenum', 24, mode !== 'loginex');
    if (phone !== undefined && !/^[0-9*#+]*$/.test(phone)) refuse('INVALID_PARAMETER', 'phonenum must be digits');
    const status = int(body, 'status', [3, 4, 5], 4);
    // Sign-in's own codes, as the seed lists them (seed 002): a wrong agent type is 100-012 and an
    // invalid (or IPv6) address 100-016, not the generic 100-001.
    if (!isAgentType(body.agenttype)) refuseWith('100-012', 'agenttype must be 4 (PC+phone) or 11 (PC+phone video)');
    const ip = body.ip === undefined || body.ip === null ? undefined : body.ip;
    if (ip !== undefined && !(typeof ip === 'string' && ip.length <= 15 && isIPv4(ip)))
      refuseWith('100-016', 'ip must be an IPv4 address of up to 15 characters');
    text(body, 'entryIp', 15, false);
    text(body, 'vcPhoneNumber', 24, false);
    const autoAnswer = bool(body, 'autoanswer', true);
    const autoIdle = bool(body, 'autoenteridle', true);
    const checkInWebm = bool(body, 'checkInWebm', true);
    for (const name of ['releasephone', 'phonelinkage', 'checkInMailm', 'listenStatus']) bool(body, name, false);

    const agent = dir.agentById(id);
    if (!agent || !dir.authenticate(agent.username, password).ok) {
      await throttle.failed(ctx.ip, String(id));
      return failed(ctx, fail('UNAUTHENTICATED', 'wrong agent id or password'));
    }
    const current = await engine.agentState(agent.username);
    if (!current.ok) return failed(ctx, current);
    if (current.value.loggedIn && mode === 'forcelogin') {
      const out = await engine.agentLogout(agent.username, undefined, 'forced sign-in');
      if (!out.ok) return failed(ctx, out);
    }
    const already = fail('AGENT_ALREADY_LOGGED_IN', `agent ${id} has already signed in; use forcelogin`);
    // Who signs in is decided in the store, for the whole cluster: the session (and its event cursor,
    // so the sign-in events are the first polled) is refused while the agent is logged in, and takes
    // the place of the agent's other Guids.
    // checkInWebm false: not signed in to the WebM media server, so not on the text (chat) channels
    // (huawei.md §6; the loginex body, seed 002).
    const channels = dir.workChannels(agent).filter((c) => checkInWebm || !isTextChannel(c));
    const session = await engine.sessions.open(agent.username, HUAWEI_FACE, { ttlMs: face.keepAliveMs, logoutOnExpiry: true, signIn: channels });
    if (!session.ok) return failed(ctx, session.reason === 'AGENT_ALREADY_LOGGED_IN' ? already : session);
    const line = phone ?? agent.line;
    const login: LoginOptions = {
      autoAnswer,
      autoIdle,
      initial: status === 4 ? { ready: true } : { ready: false, reason: status === 5 ? WRAP_UP : BUSY },
      ...(line !== undefined ? { phone: line } : {}),
    };
    const out = await engine.agentLogin(agent.username, channels, login);
    if (!out.ok) {
      await engine.sessions.close({ token: session.value.token });
      return failed(ctx, out);
    }
    // A sign-in racing this one that came later, before either logged in, replaced this Guid: that
    // one is the sign-in (the agent is logged in now, so none after it can replace it in turn).
    const kept = await engine.sessions.find(session.value.token, HUAWEI_FACE);
    if (!kept.ok) return failed(ctx, kept.reason === 'SESSION_EXPIRED' ? already : kept);
    setGuid(ctx, session.value.token);
    return answer(
      ctx,
      '0',
      {
        result: {
          vdnid: 1,
          workno: String(id),
          // CTI server, WebM, MailM (seed 002): MailM sign-in is not offered, as on the gateway.
          mediatype: `T${channels.some(isTextChannel) ? 'T' : 'F'}F`,
          loginTime: String(session.value.createdAt),
          isForceChange: 'false',
          serverName: 'AgentGateway',
          timeRemaining: '',
        },
      },
      '',
    );
  };

export const signOut = (face: HuaweiFace, force: boolean) =>
  async function signOut(ctx: HuaweiContext) {
    const { engine } = face;
    ctx.state.operation = force ? 'forcelogout' : 'logout';
    const agent = ctx.state.agent;
    if (!force) {
      // Sign-out is refused while talking (huawei.md §3.2); forcelogout releases the call.
      const held = await engine.heldInteractions(agent.username);
      if (held.ok && held.value.some(inProgress)) return failed(ctx, fail('INVALID_STATE', 'the agent is talking: release the call first or use forcelogout'));
    }
    const out = await engine.agentLogout(agent.username, undefined, force ? 'forced sign-out' : 'signed out');
    await engine.sessions.close({ username: agent.username, face: HUAWEI_FACE });
    return out.ok || out.reason === 'AGENT_NOT_LOGGED_IN' ? answer(ctx, '0') : failed(ctx, out);
  };
