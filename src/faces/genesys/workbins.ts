import type Router from '@koa/router';
import { fail } from '../../reasons/index.js';
import type { GenesysFace } from './index.js';
import { mediaOf, mediaResource } from './media.js';
import { bodyOf, failed, field, reply, type GenesysContext, type GenesysState } from './wire.js';

/**
 * Workbins as the workitem desktop uses them (chaosloth/genesys-concierge-ui
 * js/gws/capability/workbin.js): `GET /api/v2/me/workbins?fields=*`, the content
 * `GET /api/v2/workbins/{id}/workitems?fields=*`, and `POST /api/v2/workbins/{id}` with
 * `AddWorkitem` / `PullWorkitem` and the interaction's `id` (WorkbinAddInteractionToWorkbin 8.5.2;
 * AddChat, AddEmail, AddInteraction and their Pull forms alike). A workbin is the agent's own: a
 * name under which it parks what it holds.
 */
export function workbinRoutes(router: Router<GenesysState>, face: GenesysFace): void {
  router.get('/me/workbins', list(face));
  router.get('/workbins/:workbin/:collection', content(face));
  router.post('/workbins/:workbin', operate(face));
}

/** The workbins holding the agent's parked interactions, as URIs or, with `fields`, as resources. */
const list = (face: GenesysFace) =>
  async function listWorkbins(ctx: GenesysContext) {
    const held = await face.engine.heldInteractions(ctx.state.user.username);
    if (!held.ok) return failed(ctx, held);
    const base = face.base(ctx);
    const names = [...new Set(held.value.flatMap((i) => (i.workbin !== undefined ? [i.workbin] : [])))];
    const resources = names.map((name) => ({
      id: name,
      name,
      displayName: name,
      uri: `${base}/api/v2/workbins/${encodeURIComponent(name)}`,
      path: `/workbins/${name}`,
    }));
    if (ctx.query.fields !== undefined) return reply(ctx, { statusCode: 0, workbins: resources }, 0);
    return reply(ctx, { statusCode: 0, uris: resources.map((r) => r.uri) }, 0);
  };

/** One workbin's interactions of one media (`…/workitems`, `…/chats`), as the per-media resources. */
const content = (face: GenesysFace) =>
  async function workbinContent(ctx: GenesysContext) {
    const { directory: dir } = face;
    const user = ctx.state.user.username;
    const found = await face.engine.workbinContent(user, ctx.params.workbin as string);
    if (!found.ok) return failed(ctx, found);
    const collection = ctx.params.collection as string;
    const shown = found.value.filter((i) => mediaOf(dir.mediaType(i.channelId)).collection === collection);
    const resources = shown.map((i) => mediaResource(i, dir, face.base(ctx), user));
    if (ctx.query.fields !== undefined) return reply(ctx, { statusCode: 0, [collection]: resources }, 0);
    return reply(ctx, { statusCode: 0, uris: resources.map((r) => r.uri) }, 0);
  };

const ADD = new Set(['AddWorkitem', 'AddChat', 'AddEmail', 'AddInteraction', 'AddOpenmedia']);
const PULL = new Set(['PullWorkitem', 'PullChat', 'PullEmail', 'PullInteraction', 'PullOpenmedia']);

const operate = (face: GenesysFace) =>
  async function workbinOperation(ctx: GenesysContext) {
    const body = await bodyOf(ctx, face.bodyLimit);
    const op = field(body, 'operationName', 'string', true) as string;
    ctx.state.operation = op;
    const user = ctx.state.user.username;
    const workbin = ctx.params.workbin as string;
    const known = ADD.has(op) || PULL.has(op);
    if (!known) {
      ctx.state.operation = 'unknown';
      return failed(ctx, fail('INVALID_PARAMETER', `Parameter 'operationName' is invalid: "${op} is not a workbin operation"`));
    }
    const id = field(body, 'id', 'string', true) as string;
    const found = await face.engine.getInteraction(id);
    if (!found.ok) return failed(ctx, found);
    if (found.value.agent?.username !== user) return failed(ctx, fail('INVALID_STATE', `Interaction ${id} is not being handled by ${user}`));
    if (PULL.has(op) && found.value.workbin !== workbin) return failed(ctx, fail('INVALID_STATE', `Interaction ${id} is not in workbin ${workbin}`));
    // Pulling is taking it back to work on: the desk's accept of a parked session.
    const out = ADD.has(op) ? await face.engine.placeInWorkbin(id, user, workbin) : await face.engine.accept(id, user);
    return out.ok ? reply(ctx, { statusCode: 0 }, 0) : failed(ctx, out);
  };
