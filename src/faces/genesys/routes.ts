import Router from '@koa/router';
import type { Context } from 'koa';
import type { AgentDesk } from '../../backends/agent-desk.js';
import type { Interaction } from '../../backends/backend.js';
import type { AgentConfig } from '../../config/index.js';
import { fail, genesysHttpStatus, genesysStatusCodes, type Failure, type Outcome } from '../../reasons/index.js';
import type { AgentRoster } from '../../backends/agent-desk.js';
import { BodyError, baseUrl, readJson, type FaceState } from '../http.js';
import { GENESYS_FACE, genesysCaller, SESSION_COOKIE, SESSION_TTL_MS } from './auth.js';
import { channelResources, deviceResource, interactionResource, statusOf, type Body } from './shapes.js';

export interface GenesysFaceOptions {
  engine: AgentDesk;
  directory: AgentRoster;
  bodyLimit: number;
  publicUrl?: string | undefined;
  /** Publish a GWS notification to one user (CometD). */
  notify(username: string, topic: string, data: Body): void;
}

interface GenesysState extends FaceState {
  user: AgentConfig;
}

const WORKMODES = ['ManualIn', 'AutoIn'];

/** A request-shape failure in the catalog's words, thrown out of parsing and answered as a statusCode. */
class Refusal extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}
const refuse = (reason: Failure['reason'], message: string): never => {
  throw new Refusal(fail(reason, message));
};

function field(body: Body, name: string, kind: 'string' | 'object' | 'array', required = false): unknown {
  const v = body[name];
  if (v === undefined || v === null || v === '') return required ? refuse('MISSING_PARAMETER', `Parameter '${name}' is missing`) : undefined;
  const isKind = kind === 'array' ? Array.isArray(v) : kind === 'object' ? typeof v === 'object' && !Array.isArray(v) : typeof v === kind;
  return isKind ? v : refuse('INVALID_PARAMETER', `Parameter '${name}' is invalid: "expected ${kind === 'object' ? 'an object' : `a ${kind}`}"`);
}

/** User data values are strings in the engine; nested objects are kept as JSON text. */
function userDataOf(body: Body): Record<string, string> {
  const data = field(body, 'userData', 'object', true) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/**
 * The Genesys Web Services (GWS v2) face of the embedded engine, for agent desktops: HTTP Basic on
 * every request (or the JSESSIONID cookie it sets), the session and agent-state operations on
 * /api/v2/me, and the interactions API of seed 003. Replies carry GWS statusCodes from the shared
 * catalog; notifications go out through CometD (see cometd.ts).
 */
export function genesysRoutes(options: GenesysFaceOptions): Router {
  const { engine, directory: dir } = options;
  const router = new Router({ prefix: '/api/v2' });
  const base = (ctx: Context) => baseUrl(ctx, options.publicUrl);

  const reply = (ctx: Context, body: Body, statusCode: number) => {
    ctx.status = genesysHttpStatus(statusCode as 0);
    ctx.body = body;
    (ctx.state as FaceState).result = statusCode === 0 ? 'SUCCESS' : 'FAILED';
  };
  const failed = (ctx: Context, f: Failure) => {
    (ctx.state as FaceState).failReason = f.reason;
    reply(ctx, statusOf(f), genesysStatusCodes[f.reason]);
  };

  // Authentication: Basic first (every GWS client sends it), else the session cookie.
  router.use(async (ctx, next) => {
    const state = ctx.state as GenesysState;
    state.face = 'genesys';
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    const caller = await genesysCaller(engine, dir, ctx.get('authorization') || undefined, cookie);
    if (!caller) return failed(ctx, fail('UNAUTHENTICATED', 'Access denied'));
    state.user = caller.user;
    if (caller.by === 'basic') {
      // Basic callers get a session cookie (CometD and later calls may use it), kept while it lives.
      const current = cookie ? await engine.sessions.find(cookie, GENESYS_FACE, SESSION_TTL_MS) : undefined;
      if (!current?.ok || current.value.username !== caller.user.username) {
        const opened = await engine.sessions.open(caller.user.username, GENESYS_FACE, { ttlMs: SESSION_TTL_MS, logoutOnExpiry: false });
        if (opened.ok) ctx.cookies.set(SESSION_COOKIE, opened.value.token, { httpOnly: true, path: '/', overwrite: true });
      }
    }
    try {
      await next();
    } catch (e) {
      if (e instanceof Refusal) return failed(ctx, e.failure);
      if (e instanceof BodyError) return failed(ctx, fail('INVALID_PARAMETER', e.message));
      throw e;
    }
  });

  const bodyOf = async (ctx: Context): Promise<Body> => {
    const body = await readJson(ctx, options.bodyLimit);
    if (body === undefined) return refuse('MISSING_PARAMETER', "Parameter 'operationName' is missing");
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse('INVALID_PARAMETER', 'the body must be a JSON object');
    return body as Body;
  };
  const userOf = (ctx: Context) => (ctx.state as GenesysState).user;

  // ------------------------------------------------------------------ the user and its session

  router.get('/me', async (ctx) => {
    const user = userOf(ctx);
    const state = await engine.agentState(user.username);
    const channels = dir.workChannels(user);
    reply(ctx, {
      statusCode: 0,
      user: {
        id: user.username,
        userName: user.username,
        firstName: dir.displayName(user).split(' ')[0],
        lastName: dir.displayName(user).split(' ').slice(1).join(' '),
        roles: user.profiles.map((p) => `ROLE_${p.toUpperCase()}`),
        enabled: true,
        changePasswordOnFirstLogin: false,
        uri: `${base(ctx)}/api/v2/users/${encodeURIComponent(user.username)}`,
        path: `/users/${user.username}`,
        ...(state.ok ? { devices: [deviceResource(state.value, base(ctx))], channels: channelResources(state.value, dir, channels) } : {}),
      },
    }, 0);
  });

  router.post('/me', async (ctx) => {
    const body = await bodyOf(ctx);
    const user = userOf(ctx);
    const op = field(body, 'operationName', 'string', true) as string;
    (ctx.state as FaceState).operation = op;
    switch (op) {
      case 'StartContactCenterSession':
        return startSession(ctx, user, body);
      case 'EndContactCenterSession': {
        const out = await engine.agentLogout(user.username, undefined, 'EndContactCenterSession');
        if (!out.ok && out.reason !== 'AGENT_NOT_LOGGED_IN') return failed(ctx, out);
        // It also ends the HTTP session (genesys.md §2).
        const cookie = ctx.cookies.get(SESSION_COOKIE);
        if (cookie) await engine.sessions.close({ token: cookie });
        ctx.cookies.set(SESSION_COOKIE, null, { path: '/' });
        return reply(ctx, { statusCode: 0 }, 0);
      }
      case 'Ready':
      case 'NotReady':
        return setState(ctx, user, op, undefined, body);
      default:
        // Not an operation: keep the caller's word out of the logs' and metrics' labels.
        (ctx.state as FaceState).operation = 'unknown';
        return failed(ctx, fail('INVALID_PARAMETER', `Parameter 'operationName' is invalid: "${op} is not an operation on /me"`));
    }
  });

  router.post('/me/channels/:channel', async (ctx) => {
    const body = await bodyOf(ctx);
    const op = field(body, 'operationName', 'string', true) as string;
    (ctx.state as FaceState).operation = op;
    const channelId = dir.channelOfMedia(ctx.params.channel as string);
    if (channelId === undefined) return failed(ctx, fail('UNKNOWN_CHANNEL', `Channel '${ctx.params.channel}' is not available`));
    if (!['Ready', 'NotReady', 'AuxWork', 'AfterCallWork'].includes(op)) {
      (ctx.state as FaceState).operation = 'unknown';
      return failed(ctx, fail('INVALID_PARAMETER', `Parameter 'operationName' is invalid: "${op} is not a channel state operation"`));
    }
    return setState(ctx, userOf(ctx), op, channelId, body);
  });

  async function setState(ctx: Context, user: AgentConfig, op: string, channelId: number | undefined, body: Body) {
    const given = field(body, 'reasonCode', 'string') ?? field(body, 'reason', 'string');
    const out = op === 'Ready'
      ? await engine.agentReady(user.username, channelId)
      : await engine.agentNotReady(user.username, channelId, op === 'AfterCallWork' ? 'wrap-up' : ((given as string | undefined) ?? (op === 'AuxWork' ? 'AuxWork' : undefined)));
    return out.ok ? reply(ctx, { statusCode: 0 }, 0) : failed(ctx, out);
  }

  /** StartContactCenterSession with every parameter of seed 000; a partial success answers 7 (genesys.md §1). */
  async function startSession(ctx: Context, user: AgentConfig, body: Body) {
    const channels = field(body, 'channels', 'array', true) as unknown[];
    if (channels.length === 0 || !channels.every((c) => typeof c === 'string')) refuse('INVALID_PARAMETER', `Parameter 'channels' is invalid: "expected an array of channel names"`);
    for (const name of ['place', 'loginCode', 'agentLoginPassword', 'queue', 'devicePath', 'dynamicPhoneNumber']) field(body, name, 'string');
    const workmode = field(body, 'workmode', 'string') as string | undefined;
    if (workmode !== undefined && !WORKMODES.includes(workmode)) refuse('INVALID_PARAMETER', `Parameter 'workmode' is invalid: "The specified value is not within valid range"`);
    // A switch login code names the agent (its agent id or username); its password, when given, must match.
    const loginCode = body.loginCode as string | undefined;
    if (loginCode !== undefined && loginCode !== user.username && loginCode !== String(user.agentId ?? '')) {
      return failed(ctx, fail('FORBIDDEN', `Login code '${loginCode}' is not assigned to ${user.username}`));
    }
    if (loginCode !== undefined && body.agentLoginPassword !== undefined && !dir.authenticate(user.username, body.agentLoginPassword as string).ok) {
      return failed(ctx, fail('UNAUTHENTICATED', 'The agent login password is wrong'));
    }
    const queue = body.queue as string | undefined;
    if (queue !== undefined && !dir.services.some((s) => s.code === queue)) return failed(ctx, fail('UNKNOWN_SERVICE', `Queue '${queue}' does not exist`));

    const wanted = [...new Set(channels as string[])];
    const succeeded: Body[] = [];
    const failures: Array<{ channel: string; failure: Failure }> = [];
    const usable: number[] = [];
    for (const name of wanted) {
      const id = dir.channelOfMedia(name);
      if (id === undefined) failures.push({ channel: name, failure: fail('UNKNOWN_CHANNEL', `Channel '${name}' is not available on this contact center`) });
      else usable.push(id);
    }
    if (usable.length > 0) {
      const phone = body.dynamicPhoneNumber as string | undefined;
      const outcome = await engine.agentLogin(user.username, usable, {
        ...(workmode ? { autoAnswer: workmode === 'AutoIn' } : {}),
        ...(phone !== undefined ? { phone } : {}),
      });
      for (const id of usable) {
        if (outcome.ok) succeeded.push({ channel: dir.mediaType(id), statusCode: 0 });
        else failures.push({ channel: dir.mediaType(id), failure: outcome });
      }
    }
    if (failures.length === 0) {
      const extra: Body = {};
      if (body.dynamicPhoneNumber !== undefined || body.devicePath !== undefined) {
        const state = await engine.agentState(user.username);
        if (state.ok) {
          extra.devices = [deviceResource(state.value, base(ctx), {
            channels: wanted,
            ...(body.dynamicPhoneNumber !== undefined ? { dynamicPhoneNumber: body.dynamicPhoneNumber } : {}),
            ...(body.devicePath !== undefined ? { devicePath: body.devicePath } : {}),
          })];
        }
      }
      return reply(ctx, { statusCode: 0, ...extra }, 0);
    }
    // Every channel failed: one channel's code and message only (seed 000).
    if (succeeded.length === 0) return failed(ctx, (failures[0] as { failure: Failure }).failure);
    (ctx.state as FaceState).failReason = failures.map((f) => f.failure.reason).join(',');
    return reply(ctx, { statusCode: 7, succeeded, failed: failures.map((f) => ({ channel: f.channel, ...statusOf(f.failure) })) }, 7);
  }

  // ------------------------------------------------------------------ interactions

  router.get('/me/interactions', async (ctx) => {
    const held = await engine.heldInteractions(userOf(ctx).username);
    if (!held.ok) return failed(ctx, held);
    if (ctx.query.fields === '*') {
      return reply(ctx, { statusCode: 0, interactions: held.value.map((i) => interactionResource(i, dir, base(ctx), userOf(ctx).username)) }, 0);
    }
    return reply(ctx, { statusCode: 0, uris: held.value.map((i) => `${base(ctx)}/api/v2/interactions/${encodeURIComponent(i.id)}`) }, 0);
  });

  router.get('/interactions', async (ctx) => {
    const all = await engine.openInteractions();
    if (!all.ok) return failed(ctx, all);
    if (ctx.query.fields === '*') {
      return reply(ctx, { statusCode: 0, interactions: all.value.map((i) => interactionResource(i, dir, base(ctx), userOf(ctx).username)) }, 0);
    }
    return reply(ctx, { statusCode: 0, uris: all.value.map((i) => `${base(ctx)}/api/v2/interactions/${encodeURIComponent(i.id)}`) }, 0);
  });

  router.get('/interactions/:id', async (ctx) => {
    const found = await engine.getInteraction(ctx.params.id as string);
    if (!found.ok) return failed(ctx, found);
    return reply(ctx, { statusCode: 0, interaction: interactionResource(found.value, dir, base(ctx), userOf(ctx).username) }, 0);
  });

  // PUT updates the interaction's properties: its user data (the only writable part here).
  router.put('/interactions/:id', async (ctx) => {
    const body = await bodyOf(ctx);
    const inner = (typeof body.interaction === 'object' && body.interaction !== null ? body.interaction : body) as Body;
    const id = ctx.params.id as string;
    const held = await holding(userOf(ctx), id);
    if (!held.ok) return failed(ctx, held);
    const out = await engine.updateUserData(id, userDataOf(inner));
    return out.ok ? reply(ctx, { statusCode: 0 }, 0) : failed(ctx, out);
  });

  /** The interaction, if this agent holds it (offered, assigned or parked). */
  async function holding(user: AgentConfig, id: string): Promise<Outcome<Interaction>> {
    const found = await engine.getInteraction(id);
    if (!found.ok) return found;
    if (found.value.agent?.username !== user.username || (found.value.status !== 'BOOKED' && found.value.status !== 'ASSIGNED')) {
      return fail('INVALID_STATE', `Interaction ${id} is not being handled by ${user.username}`);
    }
    return found;
  }

  router.post('/me/interactions/:id', async (ctx) => {
    const body = await bodyOf(ctx);
    const user = userOf(ctx);
    const id = ctx.params.id as string;
    const op = field(body, 'operationName', 'string', true) as string;
    (ctx.state as FaceState).operation = op;
    // Seed 003 answers some operations {status:"ok"} and others {statusCode:0} (Cancel: {status:0}).
    const okStyle = (out: Outcome<unknown>) =>
      out.ok ? reply(ctx, { status: 'ok' }, 0) : (failed(ctx, out), (ctx.body = { status: 'error', errorDescription: out.message, ...(ctx.body as Body) }));
    const codeStyle = (out: Outcome<unknown>) => (out.ok ? reply(ctx, { statusCode: 0 }, 0) : failed(ctx, out));
    const held = await holding(user, id);
    switch (op) {
      case 'Accept':
        return okStyle(held.ok ? await engine.accept(id, user.username) : held);
      case 'Reject':
        return okStyle(held.ok ? await engine.reject(id, user.username) : held);
      case 'Cancel': {
        const out = held.ok ? await engine.returnToQueue(id, user.username) : held;
        return out.ok ? reply(ctx, { status: 0 }, 0) : failed(ctx, out);
      }
      case 'Complete': {
        const queueName = field(body, 'queueName', 'string') as string | undefined;
        if (!held.ok) return codeStyle(held);
        return codeStyle(queueName !== undefined ? await engine.transfer(id, user.username, { serviceCode: queueName }) : await engine.complete(id, 'agent', user.username));
      }
      case 'PlaceInQueue': {
        const queueName = field(body, 'queueName', 'string', true) as string;
        return okStyle(held.ok ? await engine.transfer(id, user.username, { serviceCode: queueName }) : held);
      }
      case 'UpdateUserData':
      case 'AttachUserData': {
        const data = userDataOf(body);
        return okStyle(held.ok ? await engine.updateUserData(id, data) : held);
      }
      case 'DeleteUserData': {
        const keys = Array.isArray(body.keys) ? body.keys.map(String) : Object.keys(userDataOf(body));
        return okStyle(held.ok ? await engine.deleteUserData(id, keys) : held);
      }
      case 'PlaceInWorkbin': {
        const workbin = field(body, 'workbin', 'string', true) as string;
        return okStyle(held.ok ? await engine.placeInWorkbin(id, user.username, workbin) : held);
      }
      case 'GetWorkbinContent': {
        // The content also comes as a CometD message (seed 003).
        const workbin = field(body, 'workbin', 'string', true) as string;
        const content = await engine.workbinContent(user.username, workbin);
        if (!content.ok) return okStyle(content);
        const interactions = content.value.map((i) => interactionResource(i, dir, base(ctx), user.username));
        options.notify(user.username, '/v2/me/workbins', { messageType: 'WorkbinContentMessage', workbin, interactions });
        return reply(ctx, { status: 'ok', workbin, interactions }, 0);
      }
      case 'Transfer':
      case 'SingleStepTransfer': {
        const target = (field(body, 'userId', 'string') ?? (field(body, 'targetUri', 'string') as string | undefined)?.split('/').pop()) as string | undefined;
        if (target === undefined) refuse('MISSING_PARAMETER', "Parameter 'userId' is missing");
        return codeStyle(held.ok ? await engine.transfer(id, user.username, { username: target as string }) : held);
      }
      default:
        // Not an operation: keep the caller's word out of the logs' and metrics' labels.
        (ctx.state as FaceState).operation = 'unknown';
        return failed(ctx, fail('INVALID_PARAMETER', `Parameter 'operationName' is invalid: "${op} is not an interaction operation"`));
    }
  });

  return router;
}
