import type Router from '@koa/router';
import { BUSY, decodeNotReady, WRAP_UP, type NotReadyReason } from '../../backends/not-ready.js';
import type { AgentConfig } from '../../config/index.js';
import { fail, type Failure } from '../../reasons/index.js';
import { refuse } from '../agents/refusal.js';
import { endHttpSession } from './auth.js';
import type { GenesysFace } from './index.js';
import { mediaRoutes } from './media-routes.js';
import { workbinRoutes } from './workbins.js';
import { interactionOperation, listHeld, listOpen, readInteraction, updateInteraction } from './interactions.js';
import { bodyOf, channelResources, deviceResource, failed, field, reply, statusOf, type Body, type GenesysContext, type GenesysState } from './wire.js';

/** The GWS routes (under /api/v2): the user and its contact center session, then interactions. */
export function genesysRoutes(router: Router<GenesysState>, face: GenesysFace): void {
  router.get('/me', me(face));
  router.post('/me', meOperation(face));
  router.post('/me/channels/:channel', channelOperation(face));

  router.get('/me/interactions', listHeld(face));
  router.post('/me/interactions/:id', interactionOperation(face));
  router.get('/interactions', listOpen(face));
  router.get('/interactions/:id', readInteraction(face));
  router.put('/interactions/:id', updateInteraction(face));

  mediaRoutes(router, face);
  router.get('/settings/agent-states', agentStates);
  workbinRoutes(router, face);
  // Whatever else is asked answers in GWS's envelope too: statusCode 6, "resource not found" (genesys.md §1).
  router.all('/{*rest}', (ctx: GenesysContext) => failed(ctx, fail('UNKNOWN_INTERACTION', `No resource at ${ctx.path}`)));
}

/**
 * The agent states a desktop offers: `{"settings":[…]}` (the iOS and JS clients read
 * `response.settings`, genesys.md §5); each entry's `operationName` is what the desktop sends to
 * /me/channels/{channel}. Field names beyond it follow the userState of DeviceStateChangeMessage.
 */
const AGENT_STATES = [
  { operationName: 'Ready', id: 'Ready', displayName: 'Ready', state: 'Ready' },
  { operationName: 'NotReady', id: 'NotReady', displayName: 'Not Ready', state: 'NotReady' },
  { operationName: 'AuxWork', id: 'NotReady-AuxWork', displayName: 'AuxWork', state: 'NotReady', workMode: 'AuxWork' },
  { operationName: 'AfterCallWork', id: 'NotReady-AfterCallWork', displayName: 'AfterCallWork', state: 'NotReady', workMode: 'AfterCallWork' },
];

function agentStates(ctx: GenesysContext) {
  reply(ctx, { statusCode: 0, settings: AGENT_STATES }, 0);
}

const WORKMODES = ['ManualIn', 'AutoIn'];
const CHANNEL_OPERATIONS = ['Ready', 'NotReady', 'AuxWork', 'AfterCallWork'];

/** Is this subresource asked for (`?subresources=*` or a list naming it)? */
const wants = (ctx: GenesysContext, name: string) => {
  const asked = typeof ctx.query.subresources === 'string' ? ctx.query.subresources.split(',').map((s) => s.trim()) : [];
  return asked.includes('*') || asked.includes(name);
};

const me = (face: GenesysFace) =>
  async function me(ctx: GenesysContext) {
    const { engine, directory: dir } = face;
    const user = ctx.state.user;
    const state = await engine.agentState(user.username);
    const base = face.base(ctx);
    reply(
      ctx,
      {
        statusCode: 0,
        user: {
          id: user.username,
          userName: user.username,
          firstName: dir.displayName(user).split(' ')[0],
          lastName: dir.displayName(user).split(' ').slice(1).join(' '),
          roles: user.profiles.map((p) => `ROLE_${p.toUpperCase()}`),
          enabled: true,
          changePasswordOnFirstLogin: false,
          uri: `${base}/api/v2/users/${encodeURIComponent(user.username)}`,
          path: `/users/${user.username}`,
          ...(state.ok ? { devices: [deviceResource(state.value, base)], channels: channelResources(state.value, dir, dir.workChannels(user)) } : {}),
          // The desktop's options (genesys.md §5: `settings{"interaction-workspace":{…}}`, read with
          // ?subresources=* or …,settings); the bridge keeps no desktop options, so the section is empty.
          ...(wants(ctx, 'settings') ? { settings: { 'interaction-workspace': {} } } : {}),
        },
      },
      0,
    );
  };

const meOperation = (face: GenesysFace) =>
  async function meOperation(ctx: GenesysContext) {
    const body = await bodyOf(ctx, face.bodyLimit);
    const user = ctx.state.user;
    const op = field(body, 'operationName', 'string', true) as string;
    ctx.state.operation = op;
    switch (op) {
      case 'StartContactCenterSession':
        return startSession(face, ctx, user, body);
      case 'EndContactCenterSession': {
        const out = await face.engine.agentLogout(user.username, undefined, 'EndContactCenterSession');
        if (!out.ok && out.reason !== 'AGENT_NOT_LOGGED_IN') return failed(ctx, out);
        await endHttpSession(face, ctx);
        return reply(ctx, { statusCode: 0 }, 0);
      }
      case 'Ready':
      case 'NotReady':
        return setState(face, ctx, user, op, undefined, body);
      default:
        // Not an operation: keep the caller's word out of the logs' and metrics' labels.
        ctx.state.operation = 'unknown';
        return failed(ctx, fail('INVALID_PARAMETER', `Parameter 'operationName' is invalid: "${op} is not an operation on /me"`));
    }
  };

const channelOperation = (face: GenesysFace) =>
  async function channelOperation(ctx: GenesysContext) {
    const body = await bodyOf(ctx, face.bodyLimit);
    const op = field(body, 'operationName', 'string', true) as string;
    ctx.state.operation = op;
    const channelId = face.directory.channelOfMedia(ctx.params.channel as string);
    if (channelId === undefined) return failed(ctx, fail('UNKNOWN_CHANNEL', `Channel '${ctx.params.channel}' is not available`));
    if (!CHANNEL_OPERATIONS.includes(op)) {
      ctx.state.operation = 'unknown';
      return failed(ctx, fail('INVALID_PARAMETER', `Parameter 'operationName' is invalid: "${op} is not a channel state operation"`));
    }
    return setState(face, ctx, ctx.state.user, op, channelId, body);
  };

/** Ready, or not ready for the reason given: AfterCallWork is wrap-up, AuxWork without a reason its own label. */
async function setState(face: GenesysFace, ctx: GenesysContext, user: AgentConfig, op: string, channelId: number | undefined, body: Body) {
  // The reason fields are checked on Ready too.
  const given = (field(body, 'reasonCode', 'string') ?? field(body, 'reason', 'string')) as string | undefined;
  if (op === 'Ready') {
    const out = await face.engine.agentReady(user.username, channelId);
    return out.ok ? reply(ctx, { statusCode: 0 }, 0) : failed(ctx, out);
  }
  const reason: NotReadyReason =
    op === 'AfterCallWork' ? WRAP_UP : given !== undefined ? decodeNotReady(given) : op === 'AuxWork' ? { kind: 'pause', label: 'AuxWork' } : BUSY;
  const out = await face.engine.agentNotReady(user.username, channelId, reason);
  return out.ok ? reply(ctx, { statusCode: 0 }, 0) : failed(ctx, out);
}

/**
 * "voice" without a voice channel is the agent's device, the place it logs in at (seed 000: "the
 * place … Web Services logs in the user on that device"): the bridge's one device carries the
 * agent's work channels, so a voice-only desktop (seed 000 samples 1-3, 5, 6) logs in on them.
 */
function deviceChannels(face: GenesysFace, user: AgentConfig): number[] | undefined {
  const ids = face.directory.workChannels(user);
  return ids.length > 0 ? ids : undefined;
}

/** StartContactCenterSession with every parameter of seed 000; a partial success answers 7 (genesys.md §1). */
async function startSession(face: GenesysFace, ctx: GenesysContext, user: AgentConfig, body: Body) {
  const { engine, directory: dir } = face;
  const channels = field(body, 'channels', 'array', true) as unknown[];
  if (channels.length === 0 || !channels.every((c) => typeof c === 'string'))
    refuse('INVALID_PARAMETER', `Parameter 'channels' is invalid: "expected an array of channel names"`);
  for (const name of ['place', 'loginCode', 'agentLoginPassword', 'queue', 'devicePath', 'dynamicPhoneNumber']) field(body, name, 'string');
  const workmode = field(body, 'workmode', 'string') as string | undefined;
  if (workmode !== undefined && !WORKMODES.includes(workmode))
    refuse('INVALID_PARAMETER', `Parameter 'workmode' is invalid: "The specified value is not within valid range"`);
  // A switch login code names the agent (its agent id or username); its password, when given, must match.
  const loginCode = body.loginCode as string | undefined;
  if (loginCode !== undefined && loginCode !== user.username && loginCode !== String(user.agentId ?? '')) {
    return failed(ctx, fail('FORBIDDEN', `Login code '${loginCode}' is not assigned to ${user.username}`));
  }
  if (loginCode !== undefined && body.agentLoginPassword !== undefined && !dir.authenticate(user.username, body.agentLoginPassword as string).ok) {
    return failed(ctx, fail('UNAUTHENTICATED', 'The agent login password is wrong'));
  }
  // A queue by its name or by its number (seed 000 sample 2 sends "9000").
  const queue = body.queue as string | undefined;
  if (queue !== undefined && !dir.services.some((s) => s.code === queue || String(s.queueId) === queue))
    return failed(ctx, fail('UNKNOWN_SERVICE', `Queue '${queue}' does not exist`));

  const wanted = [...new Set(channels as string[])];
  const succeeded: Body[] = [];
  const failures: Array<{ channel: string; failure: Failure }> = [];
  const usable: number[] = [];
  for (const name of wanted) {
    const id = dir.channelOfMedia(name) ?? (name === 'voice' ? deviceChannels(face, user) : undefined);
    if (id === undefined) failures.push({ channel: name, failure: fail('UNKNOWN_CHANNEL', `Channel '${name}' is not available on this contact center`) });
    else usable.push(...[id].flat());
  }
  const byName = (id: number) => (wanted.includes(dir.mediaType(id)) ? dir.mediaType(id) : 'voice');
  if (usable.length > 0) {
    const phone = body.dynamicPhoneNumber as string | undefined;
    const outcome = await engine.agentLogin(user.username, [...new Set(usable)], {
      ...(workmode ? { autoAnswer: workmode === 'AutoIn' } : {}),
      ...(phone !== undefined ? { phone } : {}),
    });
    for (const channel of new Set(usable.map(byName))) {
      if (outcome.ok) succeeded.push({ channel, statusCode: 0 });
      else failures.push({ channel, failure: outcome });
    }
  }
  if (failures.length === 0) {
    const extra: Body = {};
    if (body.dynamicPhoneNumber !== undefined || body.devicePath !== undefined) {
      const state = await engine.agentState(user.username);
      if (state.ok) {
        extra.devices = [
          deviceResource(state.value, face.base(ctx), {
            channels: wanted,
            ...(body.dynamicPhoneNumber !== undefined ? { dynamicPhoneNumber: body.dynamicPhoneNumber } : {}),
            ...(body.devicePath !== undefined ? { devicePath: body.devicePath } : {}),
          }),
        ];
      }
    }
    return reply(ctx, { statusCode: 0, ...extra }, 0);
  }
  // Every channel failed: one channel's code and message only (seed 000).
  if (succeeded.length === 0) return failed(ctx, (failures[0] as { failure: Failure }).failure);
  ctx.state.failReason = failures.map((f) => f.failure.reason).join(',');
  return reply(ctx, { statusCode: 7, succeeded, failed: failures.map((f) => ({ channel: f.channel, ...statusOf(f.failure) })) }, 7);
}
