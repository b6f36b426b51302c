import type Router from '@koa/router';
import type { Interaction } from '../../backends/backend.js';
import { fail, type Outcome } from '../../reasons/index.js';
import { refuse } from '../agents/refusal.js';
import type { GenesysFace } from './index.js';
import { channelOfCollection, mediaOf, mediaResource, NAMED_COLLECTIONS } from './media.js';
import { bodyOf, failed, field, reply, userDataOf, type GenesysContext, type GenesysState } from './wire.js';

/**
 * The per-media resources of GWS 8.5.2+ (media.ts): list, read and operate on the interactions the
 * agent holds, e.g. `POST /api/v2/me/workitems/{id} {"operationName":"Accept"}` as
 * chaosloth/genesys-concierge-ui js/gws/media/workitem.js sends it, or the chat operations of
 * ErnestoGarciaGenesys/GenesysWebServicesClient Genesys.WebServicesClient.Components/GenesysChat.cs.
 * Replies are `{"statusCode":0}`; the outcome follows on CometD (genesys.md §6).
 */
export function mediaRoutes(router: Router<GenesysState>, face: GenesysFace): void {
  for (const collection of NAMED_COLLECTIONS) {
    router.get(
      `/me/${collection}`,
      list(face, () => collection),
    );
    router.get(
      `/me/${collection}/:id`,
      read(face, () => collection),
    );
    router.post(
      `/me/${collection}/:id`,
      operate(face, () => collection),
    );
  }
  const open = (ctx: GenesysContext) => `openmedia/${ctx.params.mediaType as string}`;
  router.get('/me/openmedia/:mediaType', list(face, open));
  router.get('/me/openmedia/:mediaType/:id', read(face, open));
  router.post('/me/openmedia/:mediaType/:id', operate(face, open));
}

type CollectionOf = (ctx: GenesysContext) => string;

function channelOf(face: GenesysFace, ctx: GenesysContext, collectionOf: CollectionOf): number {
  const collection = collectionOf(ctx);
  const id = channelOfCollection(face.directory, collection);
  return id ?? refuse('UNKNOWN_CHANNEL', `No channel serves /me/${collection} on this contact center`);
}

/** `GET /me/workitems` → `{uris:[…]}`; `?fields=*` → `{workitems:[…]}` (genesys.md §1 GET shapes; workitem.js getActive). */
const list = (face: GenesysFace, collectionOf: CollectionOf) =>
  async function listMedia(ctx: GenesysContext) {
    const channelId = channelOf(face, ctx, collectionOf);
    const held = await face.engine.heldInteractions(ctx.state.user.username);
    if (!held.ok) return failed(ctx, held);
    const mine = held.value.filter((i) => i.channelId === channelId);
    const base = face.base(ctx);
    const resources = mine.map((i) => mediaResource(i, face.directory, base, ctx.state.user.username));
    const name = collectionOf(ctx).split('/')[0] as string;
    if (ctx.query.fields !== undefined) return reply(ctx, { statusCode: 0, [name]: resources }, 0);
    return reply(ctx, { statusCode: 0, uris: resources.map((r) => r.uri) }, 0);
  };

/** One interaction the agent holds, under its media's singular name (`{"workitem":{…}}`). */
const read = (face: GenesysFace, collectionOf: CollectionOf) =>
  async function readMedia(ctx: GenesysContext) {
    const channelId = channelOf(face, ctx, collectionOf);
    const found = await held(face, ctx, channelId);
    if (!found.ok) return failed(ctx, found);
    const media = mediaOf(face.directory.mediaType(channelId));
    return reply(ctx, { statusCode: 0, [media.key]: mediaResource(found.value, face.directory, face.base(ctx), ctx.state.user.username) }, 0);
  };

/** The interaction of the path, if it is of the path's media and offered to or held by the caller. */
async function held(face: GenesysFace, ctx: GenesysContext, channelId: number): Promise<Outcome<Interaction>> {
  const id = ctx.params.id as string;
  const found = await face.engine.getInteraction(id);
  if (!found.ok) return found;
  const i = found.value;
  if (i.channelId !== channelId) return fail('UNKNOWN_INTERACTION', `Interaction ${id} is not on this media`);
  if (i.agent?.username !== ctx.state.user.username || (i.status !== 'BOOKED' && i.status !== 'ASSIGNED')) {
    return fail('INVALID_STATE', `Interaction ${id} is not being handled by ${ctx.state.user.username}`);
  }
  return found;
}

const operate = (face: GenesysFace, collectionOf: CollectionOf) =>
  async function operateMedia(ctx: GenesysContext) {
    const { engine, directory: dir } = face;
    const channelId = channelOf(face, ctx, collectionOf);
    const body = await bodyOf(ctx, face.bodyLimit);
    const op = field(body, 'operationName', 'string', true) as string;
    ctx.state.operation = op;
    const user = ctx.state.user.username;
    const id = ctx.params.id as string;
    const answer = (out: Outcome<unknown>) => (out.ok ? reply(ctx, { statusCode: 0 }, 0) : failed(ctx, out));
    const found = await held(face, ctx, channelId);
    switch (op) {
      case 'Accept':
        return answer(found.ok ? await engine.accept(id, user) : found);
      case 'Reject':
        return answer(found.ok ? await engine.reject(id, user) : found);
      case 'Complete':
      case 'Leave': {
        // Complete with queueName places the interaction in that queue (WorkitemComplete, ChatComplete
        // pages). A name that is no service of this channel is a queue of the business process beyond
        // the contact center (workitem.js completes into config.COMPLETED_QUEUE every time): the work is
        // done here. Leave without a conference ends the agent's part (ChatLeave page).
        const queueName = op === 'Complete' ? (field(body, 'queueName', 'string') as string | undefined) : undefined;
        if (!found.ok) return answer(found);
        const next = queueName !== undefined && dir.service(channelId, queueName) !== undefined;
        return answer(next ? await engine.transfer(id, user, { serviceCode: queueName }) : await engine.complete(id, 'agent', user));
      }
      case 'Transfer': {
        // targetUri names a user (…/api/v2/users/{id}) or queueName a queue (ChatSingleStepTransfer page).
        const queueName = field(body, 'queueName', 'string') as string | undefined;
        const target = (field(body, 'userId', 'string') ?? (field(body, 'targetUri', 'string') as string | undefined)?.split('/').pop()) as string | undefined;
        if (queueName === undefined && target === undefined) refuse('MISSING_PARAMETER', "Parameter 'targetUri' is missing");
        if (!found.ok) return answer(found);
        return answer(
          await engine.transfer(id, user, queueName !== undefined ? { serviceCode: queueName } : { username: decodeURIComponent(target as string) }),
        );
      }
      case 'AttachUserData':
      case 'UpdateUserData': {
        const data = userDataOf(body);
        return answer(found.ok ? await engine.updateUserData(id, data) : found);
      }
      case 'DeleteUserData': {
        // `keys` per the workitem page; seed 003's generic form names them in `userData`.
        const keys = Array.isArray(body.keys) ? body.keys.map(String) : Object.keys(userDataOf(body));
        return answer(found.ok ? await engine.deleteUserData(id, keys) : found);
      }
      case 'SetInFocus':
        // A desktop-side focus: nothing changes in the contact center.
        return answer(found);
      default:
        ctx.state.operation = 'unknown';
        return failed(ctx, fail('INVALID_PARAMETER', `Parameter 'operationName' is invalid: "${op} is not an operation on /me/${collectionOf(ctx)}"`));
    }
  };
