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
  return ok({ uuid: String(f.uuid ?? ''), status, dueDate, comment: typeof f.comment === 'string' ? f.comment : undefined, period: f.periodUuid !== undefined });
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
};

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
  s.send('CallbackLists', dir.services.filter((q) => rights.queue(q)).map((q) => {
    const list = listUuid(q);
    return {
      uuid: list, name: q.name, queueId: q.queueId,
      callbacks: open.value.filter((i) => i.channelId === q.channelId && i.serviceCode === q.code && listed(rights, i)).map((i) => callbackRequest(i, list, agentIdOf)),
    };
  }));
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
  if (found.value.agent?.username !== user.username || found.value.status !== 'ASSIGNED') return fail('INVALID_STATE', `callback ${uuid} is not taken by ${user.username}`);
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
