import { randomUUID } from 'node:crypto';
import { xmlFieldsProblem, xmlTextProblem } from '../../contract/index.js';
import { fail, ok, type Failure, type Outcome } from '../../reasons/index.js';
import { storeGuard, type SessionRecord, type Tx } from '../../store/index.js';
import { newSessionRecord } from '../interaction-view.js';
import type { TransferTarget } from '../agent-desk.js';
import type { CloseParty, Interaction, NewInteraction } from '../backend.js';
import { change, changeOpen, event, skillCheck, unknownSession, type EngineContext } from './context.js';
import { unavailableService } from './services.js';
import { afterSession, agentAbleToTake, assign, offer, releaseAgent, requeue, route } from './transitions.js';
import { cachedInteractionView, interactionView as view, reread } from './views.js';

/**
 * The interaction lifecycle: created, queued, offered, accepted or declined, transferred, parked
 * in a workbin, closed. Each operation is one transaction holding its channel's lock (creation
 * claims a license instead, see createInteraction), and routes the channel again when it frees or adds work.
 */

/** Weight of the newest handling time in the moving average. */
const HANDLE_ALPHA = 0.2;

/** A refusal met after writing: thrown, so the store rolls the writes back, and answered as is. */
class Refusal extends Error {
  constructor(readonly outcome: Failure) {
    super(outcome.message);
  }
}

/**
 * No channel lock: the session is NEW, which no routing or agent reads, and its license is claimed
 * with one conditional count (so PostgreSQL commits startSessions in groups, see TxOptions.lockless).
 * Refusals keep their order: no license before an unknown or disabled service before a duplicate.
 */
export function createInteraction(e: EngineContext, spec: NewInteraction): Promise<Outcome<Interaction>> {
  const { data, description, contactId, contactValue } = spec;
  const text = xmlFieldsProblem({ data, description, contactId, contactValue });
  if (text) return Promise.resolve(fail('INVALID_PARAMETER', text));
  const channel = e.roster.channel(spec.channelId);
  if (!channel) return Promise.resolve(fail('UNKNOWN_CHANNEL', `channel ${spec.channelId} is not configured on this installation`));
  if (!channel.enabled) return Promise.resolve(fail('CHANNEL_DISABLED', `channel ${spec.channelId} is not enabled`));
  if (channel.license <= 0) return Promise.resolve(fail('NO_LICENSE', `channel ${spec.channelId} is not licensed`));
  const noLicense = () => fail('NO_LICENSE', `channel ${spec.channelId} has all ${channel.license} licensed sessions in use`);
  const created = () =>
    e.store.tx(
      async (tx) => {
        const service = e.roster.serviceConfig(spec.channelId, spec.serviceCode) ? await tx.getService(spec.channelId, spec.serviceCode) : undefined;
        const unavailable = !service
          ? fail('UNKNOWN_SERVICE', `service ${spec.serviceCode} is not configured on channel ${spec.channelId}`)
          : !service.enabled
            ? fail('SERVICE_DISABLED', `service ${spec.serviceCode} is not enabled on channel ${spec.channelId}`)
            : undefined;
        if (unavailable) return (await tx.activeSessions(spec.channelId)) >= channel.license ? noLicense() : unavailable;
        if (!(await tx.claimLicense(spec.channelId, channel.license))) return noLicense();
        const s = newSessionRecord(spec, spec.id ?? randomUUID(), e.now());
        if (!(await tx.insertSession(s))) throw new Refusal(fail('DUPLICATE_INTERACTION', `session ${s.id} already exists`));
        return ok(await view(e, tx, s));
      },
      { lockless: true },
    );
  return storeGuard(() => created().catch((r: unknown) => (r instanceof Refusal ? r.outcome : Promise.reject(r))));
}

export function getInteraction(e: EngineContext, id: string): Promise<Outcome<Interaction>> {
  // The status poll's path: a session the read model holds is answered from memory, with no
  // turn to wait for (test/read-model.test.ts holds the two paths to the same answers).
  const cached = e.store.peek?.();
  const s = cached?.session(id);
  const quick = cached && s && cachedInteractionView(e, cached, s);
  if (quick) return Promise.resolve(ok(quick));
  return storeGuard(() =>
    e.store.read(async (tx) => {
      const s = await tx.getSession(id);
      return s ? ok(await view(e, tx, s)) : unknownSession(id);
    }),
  );
}

export function placeInQueue(e: EngineContext, id: string): Promise<Outcome<Interaction>> {
  return changeOpen(e, id, async (tx, s) => {
    const unavailable = await unavailableService(e, tx, s);
    if (unavailable) return unavailable;
    if (s.status === 'NEW') {
      s.status = 'QUEUED';
      s.seq = await tx.nextSeq('tail');
      await tx.updateSession(s);
      await route(e, tx, s.channelId);
    }
    return reread(e, tx, s.id);
  });
}

export function offerTo(e: EngineContext, id: string, username: string): Promise<Outcome<Interaction>> {
  return changeOpen(e, id, async (tx, s) => {
    const unavailable = await unavailableService(e, tx, s);
    if (unavailable) return unavailable;
    if (s.status === 'BOOKED' || s.status === 'ASSIGNED') {
      return s.agent === username ? ok(await view(e, tx, s)) : fail('INVALID_STATE', `session ${id} is already ${s.status.toLowerCase()} to another agent`);
    }
    const agent = await agentAbleToTake(e, tx, username, s);
    if (!agent.ok) return agent;
    await offer(e, tx, s, agent.value);
    return ok(await view(e, tx, s));
  });
}

export function accept(e: EngineContext, id: string, username: string): Promise<Outcome<Interaction>> {
  return changeOpen(e, id, async (tx, s) => {
    if (s.status === 'ASSIGNED' && s.agent === username && s.workbin !== undefined) return pullFromWorkbin(e, tx, s, username);
    if (s.status === 'ASSIGNED' && s.agent === username) return ok(await view(e, tx, s));
    if (s.status !== 'BOOKED' || s.agent !== username) return fail('INVALID_STATE', `session ${id} is not offered to ${username}`);
    await assign(e, tx, s);
    return ok(await view(e, tx, s));
  });
}

export function reject(e: EngineContext, id: string, username: string): Promise<Outcome<Interaction>> {
  if (!e.roster.user(username)) return Promise.resolve(fail('UNKNOWN_AGENT', `no user ${username}`));
  return changeOpen(e, id, async (tx, s) => {
    if (s.status !== 'BOOKED' || s.agent !== username) return fail('INVALID_STATE', `session ${id} is not offered to ${username}`);
    s.rejectedBy.push(username);
    await requeue(e, tx, s, 'original', 'rejected');
    await route(e, tx, s.channelId);
    return reread(e, tx, s.id);
  });
}

export function complete(e: EngineContext, id: string, by: CloseParty, username?: string): Promise<Outcome<Interaction>> {
  return change(e, id, async (tx, s) => {
    if (s.status === 'CLOSED') return ok(await view(e, tx, s));
    if (username !== undefined && s.agent !== username) return fail('INVALID_STATE', `session ${id} is not held by ${username}`);
    const now = e.now();
    if (s.status === 'BOOKED' || s.status === 'ASSIGNED') {
      await releaseAgent(e, tx, s);
      await event(e, tx, s.agent as string, 'CLOSED', { channelId: s.channelId, sessionId: s.id, reason: `closed by the ${by}` });
      if (s.status === 'ASSIGNED' && s.workbin === undefined) await afterSession(e, tx, s.agent as string, s.channelId);
      if (s.status === 'ASSIGNED' && s.assignedAt !== undefined) {
        const service = await tx.getService(s.channelId, s.serviceCode);
        if (service) {
          const handled = (now - s.assignedAt) / 1000;
          await tx.updateService({ ...service, avgHandleSeconds: service.avgHandleSeconds + HANDLE_ALPHA * (handled - service.avgHandleSeconds) });
        }
      } else {
        s.agent = undefined; // only an agent who held the session stays named on it
      }
    }
    s.status = 'CLOSED';
    s.closedAt = now;
    s.offerExpiresAt = undefined;
    s.workbin = undefined;
    await tx.updateSession(s);
    await tx.countActive(s.channelId, -1);
    await route(e, tx, s.channelId);
    return ok(await view(e, tx, s));
  });
}

export function transfer(e: EngineContext, id: string, fromUsername: string, to: TransferTarget): Promise<Outcome<Interaction>> {
  return changeOpen(e, id, async (tx, s) => {
    if (s.status !== 'ASSIGNED' || s.agent !== fromUsername) return fail('INVALID_STATE', `session ${id} is not assigned to ${fromUsername}`);
    if ('username' in to) {
      if (to.username === fromUsername) return fail('INVALID_STATE', 'cannot transfer a session to the agent who holds it');
      const target = await agentAbleToTake(e, tx, to.username, s);
      if (!target.ok) return target;
      await releaseAgent(e, tx, s, 'transferred');
      await offer(e, tx, s, target.value);
    } else {
      const service = e.roster.serviceConfig(s.channelId, to.serviceCode) ? await tx.getService(s.channelId, to.serviceCode) : undefined;
      if (!service) return fail('UNKNOWN_SERVICE', `service ${to.serviceCode} is not configured on channel ${s.channelId}`);
      if (!service.enabled) return fail('SERVICE_DISABLED', `service ${to.serviceCode} is not enabled on channel ${s.channelId}`);
      s.serviceCode = to.serviceCode;
      s.rejectedBy = [];
      await requeue(e, tx, s, 'tail', 'transferred');
    }
    await route(e, tx, s.channelId);
    return reread(e, tx, s.id);
  });
}

/**
 * Every door writes user data through here, the agent faces included: only XML 1.0 text is
 * stored, so whatever one client writes every SOAP reader can read (the MCC faces refuse it at
 * their schema already, with a 400 or a Fault).
 */
export function updateUserData(e: EngineContext, id: string, data: Record<string, string>): Promise<Outcome<Interaction>> {
  const text = Object.entries(data)
    .map(([key, value]) => xmlTextProblem('a userData key', key) ?? xmlTextProblem(`userData.${key}`, value))
    .find((problem) => problem !== undefined);
  if (text) return Promise.resolve(fail('INVALID_PARAMETER', text));
  return changeOpen(e, id, async (tx, s) => {
    Object.assign(s.userData, data);
    return dataChanged(e, tx, s);
  });
}

export function deleteUserData(e: EngineContext, id: string, keys: readonly string[]): Promise<Outcome<Interaction>> {
  return changeOpen(e, id, async (tx, s) => {
    for (const k of keys) delete s.userData[k];
    return dataChanged(e, tx, s);
  });
}

/** Replace the whole user data (Genesys UpdateUserData with a full map, XiVO ticket updates keep the rest). */
async function dataChanged(e: EngineContext, tx: Tx, s: SessionRecord): Promise<Outcome<Interaction>> {
  await tx.updateSession(s);
  if (s.agent !== undefined && (s.status === 'BOOKED' || s.status === 'ASSIGNED')) {
    await event(e, tx, s.agent, 'UPDATED', { channelId: s.channelId, sessionId: s.id });
  }
  return ok(await view(e, tx, s));
}

/** The agent gives a held session back without finishing it: to the head of its queue (Genesys Cancel, XiVO releaseCallback). */
export function returnToQueue(e: EngineContext, id: string, username: string): Promise<Outcome<Interaction>> {
  return changeOpen(e, id, async (tx, s) => {
    if ((s.status !== 'BOOKED' && s.status !== 'ASSIGNED') || s.agent !== username) return fail('INVALID_STATE', `session ${id} is not held by ${username}`);
    await requeue(e, tx, s, 'head', 'returned to the queue');
    await route(e, tx, s.channelId);
    return reread(e, tx, s.id);
  });
}

/** Park an assigned session in one of the agent's workbins: still theirs, off their load. */
export function placeInWorkbin(e: EngineContext, id: string, username: string, workbin: string): Promise<Outcome<Interaction>> {
  return changeOpen(e, id, async (tx, s) => {
    if (s.status !== 'ASSIGNED' || s.agent !== username) return fail('INVALID_STATE', `session ${id} is not assigned to ${username}`);
    if (s.workbin === workbin) return ok(await view(e, tx, s));
    if (s.workbin === undefined) await releaseAgent(e, tx, s);
    s.workbin = workbin;
    await tx.updateSession(s);
    await event(e, tx, username, 'PARKED', { channelId: s.channelId, sessionId: s.id, reason: workbin });
    await route(e, tx, s.channelId);
    return ok(await view(e, tx, s));
  });
}

async function pullFromWorkbin(e: EngineContext, tx: Tx, s: SessionRecord, username: string): Promise<Outcome<Interaction>> {
  const row = await agentAbleToTake(e, tx, username, s, await skillCheck(e, tx), { skill: false });
  if (!row.ok) return row;
  row.value.load++;
  await tx.upsertAgentChannel(row.value);
  s.workbin = undefined;
  await tx.updateSession(s);
  await event(e, tx, username, 'ASSIGNED', { channelId: s.channelId, sessionId: s.id });
  return ok(await view(e, tx, s));
}

/** Sessions in one of the agent's workbins. */
export function workbinContent(e: EngineContext, username: string, workbin: string): Promise<Outcome<Interaction[]>> {
  return heldInteractions(e, username).then((o) => (o.ok ? ok(o.value.filter((i) => i.workbin === workbin)) : o));
}

/** Sessions BOOKED or ASSIGNED to the agent (parked ones included), oldest first. */
export function heldInteractions(e: EngineContext, username: string): Promise<Outcome<Interaction[]>> {
  const agent = e.roster.agent(username);
  if (!agent.ok) return Promise.resolve(agent);
  return storeGuard(() => e.store.read(async (tx) => ok(await Promise.all((await tx.heldBy(username)).map((s) => view(e, tx, s))))));
}

/** Every session not CLOSED (the contact center's active interactions), oldest first. */
export function openInteractions(e: EngineContext, limit = 1000): Promise<Outcome<Interaction[]>> {
  return storeGuard(() => e.store.read(async (tx) => ok(await Promise.all((await tx.openSessions(limit)).map((s) => view(e, tx, s))))));
}
