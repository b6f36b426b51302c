import type { Interaction } from '../../backends/backend.js';
import type { AgentConfig } from '../../config/index.js';
import { fail, type Outcome } from '../../reasons/index.js';
import { refuse } from '../agents/refusal.js';
import { rightsOf } from '../agents/rights.js';
import type { GenesysFace } from './index.js';
import { bodyOf, failed, field, interactionResource, reply, userDataOf, type Body, type GenesysContext } from './wire.js';

/**
 * The interactions API of seed 003: lists, one interaction, its user data, and the agent's
 * operations on it. Who sees which interaction is the caller's rights (../agents/rights.ts): an
 * agent its own, a supervisor those of the queues it supervises, an admin all.
 */

/**
 * Lists come in pages: `offset` (the first item, from 0) and `limit` (how many), the paging
 * parameters of GWS's list resources (e.g. Get contacts, "supports queries with filtering and
 * pagination": https://docs.genesys.com/Documentation/GWS/8.5.2/API/ContactsGetContacts). A page
 * shorter than `limit` is the last. `limit` is at most MAX_PAGE, so one answer stays small whatever
 * the interactions carry.
 */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

function pageOf(ctx: GenesysContext): { offset: number; limit: number } {
  const number = (name: string, fallback: number, min: number) => {
    const raw = ctx.query[name];
    if (raw === undefined) return fallback;
    if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw) || Number(raw) < min)
      refuse('INVALID_PARAMETER', `Parameter '${name}' is invalid: "expected a whole number from ${min}"`);
    return Number(raw);
  };
  return { offset: number('offset', 0, 0), limit: Math.min(number('limit', DEFAULT_PAGE, 1), MAX_PAGE) };
}

/** One page of what the caller may see; `?fields=*` answers the resources, otherwise their URIs. */
function list(ctx: GenesysContext, face: GenesysFace, interactions: Interaction[], page: { offset: number; limit: number }) {
  const base = face.base(ctx);
  const rights = rightsOf(ctx.state.user);
  const shown = interactions.filter((i) => rights.sees(i)).slice(page.offset, page.offset + page.limit);
  if (ctx.query.fields === '*') {
    return reply(ctx, { statusCode: 0, interactions: shown.map((i) => interactionResource(i, face.directory, base, ctx.state.user.username)) }, 0);
  }
  return reply(ctx, { statusCode: 0, uris: shown.map((i) => `${base}/api/v2/interactions/${encodeURIComponent(i.id)}`) }, 0);
}

export const listHeld = (face: GenesysFace) =>
  async function listHeld(ctx: GenesysContext) {
    const page = pageOf(ctx);
    const held = await face.engine.heldInteractions(ctx.state.user.username);
    return held.ok ? list(ctx, face, held.value, page) : failed(ctx, held);
  };

export const listOpen = (face: GenesysFace) =>
  async function listOpen(ctx: GenesysContext) {
    const page = pageOf(ctx);
    const { rank } = rightsOf(ctx.state.user);
    // Read no more than the page needs: an agent sees only what it holds, an admin everything in order;
    // a supervisor's queues are filtered from every open session (no more than the licenses allow).
    const found =
      rank === 'agent'
        ? await face.engine.heldInteractions(ctx.state.user.username)
        : await face.engine.openInteractions(rank === 'admin' ? page.offset + page.limit : Number.MAX_SAFE_INTEGER);
    return found.ok ? list(ctx, face, found.value, page) : failed(ctx, found);
  };

export const readInteraction = (face: GenesysFace) =>
  async function readInteraction(ctx: GenesysContext) {
    const found = await face.engine.getInteraction(ctx.params.id as string);
    if (!found.ok) return failed(ctx, found);
    if (!rightsOf(ctx.state.user).sees(found.value))
      return failed(ctx, fail('FORBIDDEN', `Interaction ${found.value.id} is not visible to ${ctx.state.user.username}`));
    return reply(ctx, { statusCode: 0, interaction: interactionResource(found.value, face.directory, face.base(ctx), ctx.state.user.username) }, 0);
  };

/** PUT updates the interaction's properties: its user data (the only writable part here). */
export const updateInteraction = (face: GenesysFace) =>
  async function updateInteraction(ctx: GenesysContext) {
    const body = await bodyOf(ctx, face.bodyLimit);
    const inner = (typeof body.interaction === 'object' && body.interaction !== null ? body.interaction : body) as Body;
    const id = ctx.params.id as string;
    const held = await holding(face, ctx.state.user, id);
    if (!held.ok) return failed(ctx, held);
    const out = await face.engine.updateUserData(id, userDataOf(inner));
    return out.ok ? reply(ctx, { statusCode: 0 }, 0) : failed(ctx, out);
  };

/** The interaction, if this agent holds it (offered, assigned or parked). */
async function holding(face: GenesysFace, user: AgentConfig, id: string): Promise<Outcome<Interaction>> {
  const found = await face.engine.getInteraction(id);
  if (!found.ok) return found;
  if (found.value.agent?.username !== user.username || (found.value.status !== 'BOOKED' && found.value.status !== 'ASSIGNED')) {
    return fail('INVALID_STATE', `Interaction ${id} is not being handled by ${user.username}`);
  }
  return found;
}

/** POST /me/interactions/:id `{operationName, …}`: what the agent does with an interaction it holds. */
export const interactionOperation = (face: GenesysFace) =>
  async function interactionOperation(ctx: GenesysContext) {
    const { engine, directory: dir } = face;
    const body = await bodyOf(ctx, face.bodyLimit);
    const user = ctx.state.user;
    const id = ctx.params.id as string;
    const op = field(body, 'operationName', 'string', true) as string;
    ctx.state.operation = op;
    // Seed 003 answers some operations {status:"ok"} and others {statusCode:0} (Cancel: {status:0}).
    // Every answer also carries statusCode (genesys.md §1: "Every response carries statusCode").
    const okStyle = (out: Outcome<unknown>) =>
      out.ok
        ? reply(ctx, { status: 'ok', statusCode: 0 }, 0)
        : (failed(ctx, out), (ctx.body = { status: 'error', errorDescription: out.message, ...(ctx.body as Body) }));
    const codeStyle = (out: Outcome<unknown>) => (out.ok ? reply(ctx, { statusCode: 0 }, 0) : failed(ctx, out));
    const held = await holding(face, user, id);
    switch (op) {
      case 'Accept':
        return okStyle(held.ok ? await engine.accept(id, user.username) : held);
      case 'Reject':
        return okStyle(held.ok ? await engine.reject(id, user.username) : held);
      case 'Cancel':
        // Cancel drops the reply a Reply or ReplyAll started (seed 003); the interaction itself stays
        // the agent's. The bridge starts no replies, so there is none to cancel: refused, nothing moves.
        return failed(ctx, held.ok ? fail('INVALID_STATE', `Interaction ${id} has no Reply or ReplyAll in progress to cancel`) : held);
      case 'Complete': {
        const queueName = field(body, 'queueName', 'string') as string | undefined;
        if (!held.ok) return codeStyle(held);
        return codeStyle(
          queueName !== undefined ? await engine.transfer(id, user.username, { serviceCode: queueName }) : await engine.complete(id, 'agent', user.username),
        );
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
        const interactions = content.value.map((i) => interactionResource(i, dir, face.base(ctx), user.username));
        face.notify(user.username, '/v2/me/workbins', { messageType: 'WorkbinContentMessage', workbin, interactions });
        return reply(ctx, { status: 'ok', statusCode: 0, workbin, interactions }, 0);
      }
      case 'Transfer':
      case 'SingleStepTransfer': {
        const target = (field(body, 'userId', 'string') ?? (field(body, 'targetUri', 'string') as string | undefined)?.split('/').pop()) as string | undefined;
        if (target === undefined) refuse('MISSING_PARAMETER', "Parameter 'userId' is missing");
        return codeStyle(held.ok ? await engine.transfer(id, user.username, { username: target as string }) : held);
      }
      default:
        // Not an operation: keep the caller's word out of the logs' and metrics' labels.
        ctx.state.operation = 'unknown';
        return failed(ctx, fail('INVALID_PARAMETER', `Parameter 'operationName' is invalid: "${op} is not an interaction operation"`));
    }
  };
