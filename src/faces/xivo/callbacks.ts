import { randomUUID } from 'node:crypto';
import type { Interaction } from '../../backends/backend.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import type { Rights } from '../agents/rights.js';
import { command, none, type XucCommand } from './command.js';
import type { XucSession } from './cti.js';
import { ANY_TIME, callbackRequest, listUuid, type Frame, type Json } from './wire.js';

/**
 * The Callback API of XUC's callback.js (xivo.md §6) on the embedded engine: a callback list is a
 * service, a callback request an open MCC session of it. Taking one assigns it to the agent;
 * releasing sends it back to the head of its queue; a ticket's comment is the session's
 * sessionData and a status other than Callback closes it. Who sees and takes which request is the
 * user's rights (../agents/rights.ts): those it holds, or may take from its queues.
 */

const TICKET_STATUSES = ['NoAnswer', 'Answered', 'Fax', 'Email', 'Callback'];

const uuidOf = (_s: XucSession, f: Frame) => ok(String(f.uuid ?? ''));

type Ticket = { uuid: string; status: string; dueDate?: string | undefined; comment?: string | undefined; period: boolean };
function ticket(_s: XucSession, f: Frame): Outcome<Ticket> {
  const status = String(f.status ?? '');
  if (!TICKET_STATUSES.includes(status)) return fail('INVALID_PARAMETER', `status must be one of ${TICKET_STATUSES.join(', ')}`);
  const dueDate = typeof f.dueDate === 'string' ? f.dueDate : undefined;
  if (dueDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) return fail('INVALID_PARAMETER', 'dueDate is YYYY-MM-DD');
  return ok({
    uuid: String(f.uuid ?? ''),
    status,
    dueDate,
    comment: typeof f.comment === 'string' ? f.comment : undefined,
    period: f.periodUuid !== undefined,
  });
}

export const CALLBACK_COMMANDS: Record<string, XucCommand> = {
  getCallbackLists: command('Error', none, lists),
  getCallbackPreferredPeriods: command('Error', none, async (s) => {
    s.send('PreferredCallbackPeriodList', [ANY_TIME]);
    return ok(undefined);
  }),
  takeCallback: command('Error', uuidOf, take),
  releaseCallback: command('Error', uuidOf, release),
  startCallback: command('Error', (_s, f) => ok({ uuid: String(f.uuid ?? ''), number: f.number }), start),
  updateCallbackTicket: command('Error', ticket, updateTicket),
  // Callback.findCallbackRequest(id, filters, offset, limit): xucmgt's XucCallback resolves the
  // request whose `id` FindCallbackResponseWithId echoes, reading `response.list` (and `total`).
  findCallbackRequest: command('Error', findArgs, find),
  // Callback.listenCallbackMessage(voiceMessageRef) rings the user's phone to play the voice message
  // left with the request; no request carries one on this engine, so every reference is unknown.
  listenCallbackMessage: command(
    'Error',
    (_s, f) => ok(String(f.voiceMessageRef ?? '')),
    async (_s, ref) => fail('UNKNOWN_INTERACTION', `no voice message ${ref}`),
  ),
};

/**
 * A filter of findCallbackRequest, `{field, operator, value}` on a callback request's fields, with
 * the comparison operators of XUC's dynamic filters; several filters must all hold.
 */
type Filter = { field: string; operator: string; value: unknown };
const OPERATORS: Record<string, (a: unknown, b: unknown) => boolean> = {
  '=': (a, b) => a === b || String(a) === String(b),
  '!=': (a, b) => String(a) !== String(b),
  '<': (a, b) => String(a) < String(b),
  '<=': (a, b) => String(a) <= String(b),
  '>': (a, b) => String(a) > String(b),
  '>=': (a, b) => String(a) >= String(b),
  like: (a, b) => likeMatch(String(a ?? ''), String(b), false),
  ilike: (a, b) => likeMatch(String(a ?? ''), String(b), true),
  'is null': (a) => a === null || a === undefined,
  'is not null': (a) => a !== null && a !== undefined,
};

/** SQL LIKE: % any run, _ one character. */
function likeMatch(text: string, pattern: string, ci: boolean): boolean {
  const re = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${re}$`, ci ? 'is' : 's').test(text);
}

type Find = { id: unknown; filters: Filter[]; offset: number; limit: number };
function findArgs(_s: XucSession, f: Frame): Outcome<Find> {
  const request = (typeof f.request === 'object' && f.request !== null ? f.request : {}) as Record<string, unknown>;
  const raw = Array.isArray(request.filters) ? request.filters : [];
  const filters: Filter[] = [];
  for (const x of raw) {
    const r = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
    const operator = String(r.operator ?? '=');
    if (typeof r.field !== 'string' || !(operator in OPERATORS))
      return fail('INVALID_PARAMETER', `a filter is {field, operator (${Object.keys(OPERATORS).join(', ')}), value}`);
    filters.push({ field: r.field, operator, value: r.value });
  }
  const offset = Number(request.offset ?? 0);
  const limit = Number(request.limit ?? 100);
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 0 || limit > 1000)
    return fail('INVALID_PARAMETER', 'offset from 0, limit from 0 to 1000');
  return ok({ id: f.id ?? null, filters, offset, limit });
}

/** The requests the user lists, in every list, filtered, then one page of them. */
async function find(s: XucSession, { id, filters, offset, limit }: Find): Promise<Outcome<unknown>> {
  const { directory: dir, engine } = s.face;
  const open = await engine.openInteractions();
  if (!open.ok) return open;
  const rights = s.rights;
  const agentIdOf = (u: string) => dir.user(u)?.agentId;
  const all = open.value.flatMap((i) => {
    const q = dir.service(i.channelId, i.serviceCode);
    return q && rights.queue(q) && listed(rights, i) ? [callbackRequest(i, listUuid(q), agentIdOf)] : [];
  });
  const matching = all.filter((r) => filters.every((x) => OPERATORS[x.operator]?.(r[x.field], x.value) ?? false));
  s.send('FindCallbackResponseWithId', { id, response: { total: matching.length, list: matching.slice(offset, offset + limit) } });
  return ok(undefined);
}

/** A request is in a session's lists when its user sees it (holds it, supervises its queue) or may take it. */
const listed = (r: Rights, i: Interaction) => r.sees(i) || r.mayTake(i);

/** To every session of this process that listens to callbacks and lists the request before or after the change. */
function broadcast(s: XucSession, states: Interaction[], msgType: string, payload: Json): void {
  for (const c of s.face.sessions) {
    const rights = c.rights;
    if (c.callbacks && states.some((i) => listed(rights, i))) c.send(msgType, payload);
  }
}

/** The lists, with their open requests; from now on the session hears callback changes. */
async function lists(s: XucSession): Promise<Outcome<unknown>> {
  s.callbacks = true;
  const { directory: dir, engine } = s.face;
  const open = await engine.openInteractions();
  if (!open.ok) return open;
  const agentIdOf = (u: string) => dir.user(u)?.agentId;
  const rights = s.rights;
  s.send(
    'CallbackLists',
    dir.services
      .filter((q) => rights.queue(q))
      .map((q) => {
        const list = listUuid(q);
        return {
          uuid: list,
          name: q.name,
          queueId: q.queueId,
          callbacks: open.value
            .filter((i) => i.channelId === q.channelId && i.serviceCode === q.code && listed(rights, i))
            .map((i) => callbackRequest(i, list, agentIdOf)),
        };
      }),
  );
  return ok(undefined);
}

/** Take a callback the user may take: one offered to it is accepted, a waiting one is offered to it and accepted. */
async function take(s: XucSession, uuid: string): Promise<Outcome<unknown>> {
  const { engine } = s.face;
  const found = await engine.getInteraction(uuid);
  if (!found.ok) return found;
  if (!s.rights.mayTake(found.value)) return fail('FORBIDDEN', `${s.user.username} may not take callback ${uuid}`);
  if (found.value.status === 'NEW' || found.value.status === 'QUEUED') {
    const offered = await engine.offerTo(uuid, s.user.username);
    if (!offered.ok) return offered;
  }
  const taken = await engine.accept(uuid, s.user.username);
  if (taken.ok) broadcast(s, [found.value, taken.value], 'CallbackTaken', { uuid, agentId: s.user.agentId ?? null });
  return taken;
}

async function release(s: XucSession, uuid: string): Promise<Outcome<unknown>> {
  const out = await s.face.engine.returnToQueue(uuid, s.user.username);
  if (out.ok) broadcast(s, [out.value], 'CallbackReleased', { uuid });
  return out;
}

async function start(s: XucSession, { uuid, number }: { uuid: string; number: unknown }): Promise<Outcome<unknown>> {
  const { engine } = s.face;
  const { user } = s;
  const found = await engine.getInteraction(uuid);
  if (!found.ok) return found;
  if (found.value.agent?.username !== user.username || found.value.status !== 'ASSIGNED')
    return fail('INVALID_STATE', `callback ${uuid} is not taken by ${user.username}`);
  const ticketUuid = randomUUID();
  const out = await engine.updateUserData(uuid, { callbackTicket: ticketUuid, callbackNumber: String(number ?? found.value.contactValue ?? '') });
  if (out.ok) broadcast(s, [out.value], 'CallbackStarted', { requestUuid: uuid, ticketUuid });
  return out;
}

async function updateTicket(s: XucSession, t: Ticket): Promise<Outcome<unknown>> {
  const { engine, directory: dir } = s.face;
  const { user } = s;
  const found = await engine.getInteraction(t.uuid);
  if (!found.ok) return found;
  if (found.value.agent?.username !== user.username) return fail('INVALID_STATE', `callback ${t.uuid} is not taken by ${user.username}`);
  const data: Record<string, string> = { callbackStatus: t.status };
  if (t.comment !== undefined) data.sessionData = t.comment;
  if (t.dueDate !== undefined) data.callbackDueDate = t.dueDate;
  const updated = await engine.updateUserData(t.uuid, data);
  if (!updated.ok) return updated;
  if (t.status !== 'Callback') {
    const closed = await engine.complete(t.uuid, 'agent', user.username);
    if (closed.ok) broadcast(s, [updated.value, closed.value], 'CallbackClotured', { uuid: t.uuid });
    return closed;
  }
  if (t.dueDate !== undefined || t.period) {
    const q = dir.service(updated.value.channelId, updated.value.serviceCode);
    if (q) broadcast(s, [updated.value], 'CallbackRequestUpdated', { request: callbackRequest(updated.value, listUuid(q), (u) => dir.user(u)?.agentId) });
  }
  return updated;
}
