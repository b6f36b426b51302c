import { randomUUID } from 'node:crypto';
import type { AgentDesk } from '../../backends/agent-desk.js';
import type { AgentConfig } from '../../config/index.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import type { AgentRoster } from '../../backends/agent-desk.js';
import { ANY_TIME, callbackRequest, listUuid, type Json, type Visibility } from './views.js';

const TICKET_STATUSES = ['NoAnswer', 'Answered', 'Fax', 'Email', 'Callback'];

/** The commands of XUC's callback.js (xivo.md §6). */
export const CALLBACK_COMMANDS: ReadonlySet<string> = new Set([
  'getCallbackLists', 'getCallbackPreferredPeriods', 'takeCallback', 'releaseCallback', 'startCallback', 'updateCallbackTicket',
]);

export interface CallbackContext {
  engine: AgentDesk;
  dir: AgentRoster;
  user: AgentConfig;
  visibility: Visibility;
  /** To this connection. */
  send(msgType: string, payload: unknown): void;
  /** To every connection that listens to callbacks. */
  broadcast(msgType: string, payload: Json): void;
}

/**
 * The Callback API on the embedded engine: a callback list is a service, a callback request an
 * open MCC session of it. Taking one assigns it to the agent; releasing sends it back to the head
 * of its queue; a ticket's comment is the session's sessionData and a status other than Callback
 * closes it.
 */
export class CallbackApi {
  constructor(private readonly c: CallbackContext) {}

  run(cmd: Record<string, unknown> & { command: string }): Promise<Outcome<unknown>> {
    switch (cmd.command) {
      case 'getCallbackLists':
        return this.lists();
      case 'getCallbackPreferredPeriods':
        this.c.send('PreferredCallbackPeriodList', [ANY_TIME]);
        return Promise.resolve(ok(undefined));
      case 'takeCallback':
        return this.take(String(cmd.uuid ?? ''));
      case 'releaseCallback':
        return this.release(String(cmd.uuid ?? ''));
      case 'startCallback':
        return this.start(String(cmd.uuid ?? ''), cmd.number);
      case 'updateCallbackTicket':
        return this.updateTicket(cmd);
      default:
        return Promise.resolve(fail('INVALID_PARAMETER', `unknown command ${cmd.command}`));
    }
  }

  private async lists(): Promise<Outcome<unknown>> {
    const { dir, engine } = this.c;
    const open = await engine.openInteractions();
    if (!open.ok) return open;
    const agentIdOf = (u: string) => dir.user(u)?.agentId;
    this.c.send('CallbackLists', dir.services.filter((s) => this.c.visibility.queue(s)).map((s) => {
      const list = listUuid(s);
      return {
        uuid: list, name: s.name, queueId: s.queueId,
        callbacks: open.value.filter((i) => i.channelId === s.channelId && i.serviceCode === s.code).map((i) => callbackRequest(i, list, agentIdOf)),
      };
    }));
    return ok(undefined);
  }

  /** Take a callback: one offered to the agent is accepted, a queued one is offered to it and accepted. */
  private async take(uuid: string): Promise<Outcome<unknown>> {
    const { engine, user } = this.c;
    const found = await engine.getInteraction(uuid);
    if (!found.ok) return found;
    if (found.value.status === 'NEW' || found.value.status === 'QUEUED') {
      const offered = await engine.offerTo(uuid, user.username);
      if (!offered.ok) return offered;
    }
    const taken = await engine.accept(uuid, user.username);
    if (taken.ok) this.c.broadcast('CallbackTaken', { uuid, agentId: user.agentId ?? null });
    return taken;
  }

  private async release(uuid: string): Promise<Outcome<unknown>> {
    const out = await this.c.engine.returnToQueue(uuid, this.c.user.username);
    if (out.ok) this.c.broadcast('CallbackReleased', { uuid });
    return out;
  }

  private async start(uuid: string, number: unknown): Promise<Outcome<unknown>> {
    const { engine, user } = this.c;
    const found = await engine.getInteraction(uuid);
    if (!found.ok) return found;
    if (found.value.agent?.username !== user.username || found.value.status !== 'ASSIGNED') return fail('INVALID_STATE', `callback ${uuid} is not taken by ${user.username}`);
    const ticketUuid = randomUUID();
    const out = await engine.updateUserData(uuid, { callbackTicket: ticketUuid, callbackNumber: String(number ?? found.value.contactValue ?? '') });
    if (out.ok) this.c.broadcast('CallbackStarted', { requestUuid: uuid, ticketUuid });
    return out;
  }

  private async updateTicket(cmd: Record<string, unknown>): Promise<Outcome<unknown>> {
    const { engine, dir, user } = this.c;
    const uuid = String(cmd.uuid ?? '');
    const status = String(cmd.status ?? '');
    if (!TICKET_STATUSES.includes(status)) return fail('INVALID_PARAMETER', `status must be one of ${TICKET_STATUSES.join(', ')}`);
    const dueDate = typeof cmd.dueDate === 'string' ? cmd.dueDate : undefined;
    if (dueDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) return fail('INVALID_PARAMETER', 'dueDate is YYYY-MM-DD');
    const found = await engine.getInteraction(uuid);
    if (!found.ok) return found;
    if (found.value.agent?.username !== user.username) return fail('INVALID_STATE', `callback ${uuid} is not taken by ${user.username}`);
    const data: Record<string, string> = { callbackStatus: status };
    if (typeof cmd.comment === 'string') data.sessionData = cmd.comment;
    if (dueDate !== undefined) data.callbackDueDate = dueDate;
    const updated = await engine.updateUserData(uuid, data);
    if (!updated.ok) return updated;
    if (status !== 'Callback') {
      const closed = await engine.complete(uuid, 'agent', user.username);
      if (closed.ok) this.c.broadcast('CallbackClotured', { uuid });
      return closed;
    }
    if (dueDate !== undefined || cmd.periodUuid !== undefined) {
      const s = dir.service(updated.value.channelId, updated.value.serviceCode);
      if (s) this.c.broadcast('CallbackRequestUpdated', { request: callbackRequest(updated.value, listUuid(s), (u) => dir.user(u)?.agentId) });
    }
    return updated;
  }
}
