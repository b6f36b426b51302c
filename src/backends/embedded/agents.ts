import { fail, ok, type Outcome } from '../../reasons/index.js';
import { storeGuard, type AgentChannelRecord, type AgentEvent, type Tx } from '../../store/index.js';
import type { LoginOptions, QueueMember } from '../agent-desk.js';
import type { AgentState } from '../backend.js';
import { BUSY, encodeNotReady, type NotReadyReason } from '../not-ready.js';
import { changeAgent, event, type EngineContext } from './context.js';
import { requeue, route } from './transitions.js';
import { agentView } from './views.js';

/**
 * Agent states: login (with its options and initial state), logout, ready and not ready, queue
 * membership changed at runtime, and reads of the agent event feed. A change locks every channel
 * it touches, in id order, and routes a channel where an agent became available.
 */

export function agentLogin(e: EngineContext, username: string, channelIds: readonly number[], options: LoginOptions = {}): Promise<Outcome<AgentState>> {
  const agent = e.roster.agent(username);
  if (!agent.ok) return Promise.resolve(agent);
  for (const id of channelIds) {
    const channel = e.roster.channel(id);
    if (!channel) return Promise.resolve(fail('UNKNOWN_CHANNEL', `channel ${id} is not configured on this installation`));
    if (!channel.enabled) return Promise.resolve(fail('CHANNEL_DISABLED', `channel ${id} is not enabled`));
  }
  const mine = [...new Set(channelIds)];
  return storeGuard(() =>
    e.store.tx(async (tx) => {
      // A line taken over logs its agent out of every channel: lock theirs too, all in one order.
      const takenFrom =
        options.takeOverPhone && options.phone !== undefined ? (await tx.agentsOnPhone(options.phone)).filter((r) => r.username !== username) : [];
      for (const id of [...new Set([...mine, ...takenFrom.map((r) => r.channelId)])].sort((a, b) => a - b)) await tx.lockChannel(id);
      for (const row of takenFrom) await logoutRow(e, tx, row, `line ${options.phone} taken over by ${username}`);
      const initial = options.initial;
      const rows: AgentChannelRecord[] = [];
      for (const channelId of mine.sort((a, b) => a - b)) {
        // Checked under the lock: a login racing on another process must not reset a load.
        if (await tx.agentChannel(username, channelId)) continue;
        const row: AgentChannelRecord = {
          username,
          channelId,
          ready: false,
          load: 0,
          idleSince: e.now(),
          autoAnswer: options.autoAnswer,
          autoIdle: options.autoIdle ?? true,
          phone: options.phone,
        };
        rows.push(row);
        await tx.upsertAgentChannel(row);
        await event(e, tx, username, 'LOGGED_IN', { channelId });
      }
      if (initial) {
        // The order a CC-Gateway reports: signed in (every channel), ready, then the not-ready state asked for.
        for (const row of rows) await event(e, tx, username, 'READY', { channelId: row.channelId });
        for (const row of rows) {
          row.ready = initial.ready;
          if (!initial.ready) {
            row.reason = encodeNotReady(initial.reason ?? BUSY);
            await event(e, tx, username, 'NOT_READY', { channelId: row.channelId, reason: row.reason });
          }
          await tx.upsertAgentChannel(row);
          if (row.ready) await route(e, tx, row.channelId);
        }
      }
      return ok(await agentView(e, tx, agent.value));
    }),
  );
}

/** Change the login options of a logged-in agent (Huawei autoanswer / autoenteridle). */
export function setAgentOptions(e: EngineContext, username: string, options: { autoAnswer?: boolean; autoIdle?: boolean }): Promise<Outcome<AgentState>> {
  return changeAgent(e, username, undefined, async (tx, agent, rows) => {
    for (const row of rows) {
      await tx.upsertAgentChannel({
        ...row,
        ...(options.autoAnswer !== undefined ? { autoAnswer: options.autoAnswer } : {}),
        ...(options.autoIdle !== undefined ? { autoIdle: options.autoIdle } : {}),
      });
    }
    return ok(await agentView(e, tx, agent));
  });
}

export function agentLogout(e: EngineContext, username: string, channelId?: number, why?: string): Promise<Outcome<AgentState>> {
  return changeAgent(e, username, channelId, async (tx, agent, rows) => {
    for (const row of rows) await logoutRow(e, tx, row, why);
    return ok(await agentView(e, tx, agent));
  });
}

/** Log an agent out of one channel, under that channel's lock. */
async function logoutRow(e: EngineContext, tx: Tx, row: AgentChannelRecord, why?: string): Promise<void> {
  // Sessions the agent held go back to their queues, no customer dropped: each to the place it had
  // (its seq), so they keep their order among themselves and ahead of everyone who came after.
  // One offered directly, never queued (seq 0), goes to the head; those are given head places
  // newest first, so they too keep the order they came in.
  const held = await tx.heldBy(row.username, row.channelId);
  for (const s of held.filter((h) => h.seq === 0).sort((x, y) => y.createdAt - x.createdAt)) s.seq = await tx.nextSeq('head');
  for (const s of held) await requeue(e, tx, s, 'original', 'logout');
  await tx.deleteAgentChannel(row.username, row.channelId);
  await event(e, tx, row.username, 'LOGGED_OUT', { channelId: row.channelId, reason: why });
  await route(e, tx, row.channelId);
}

export function agentReady(e: EngineContext, username: string, channelId?: number): Promise<Outcome<AgentState>> {
  return setReady(e, username, channelId, true);
}

export function agentNotReady(e: EngineContext, username: string, channelId?: number, reason: NotReadyReason = BUSY): Promise<Outcome<AgentState>> {
  return setReady(e, username, channelId, false, encodeNotReady(reason));
}

export function agentState(e: EngineContext, username: string): Promise<Outcome<AgentState>> {
  const agent = e.roster.agent(username);
  if (!agent.ok) return Promise.resolve(agent);
  return storeGuard(() => e.store.read(async (tx) => ok(await agentView(e, tx, agent.value))));
}

function setReady(e: EngineContext, username: string, channelId: number | undefined, ready: boolean, reason?: string): Promise<Outcome<AgentState>> {
  return changeAgent(e, username, channelId, async (tx, agent, rows) => {
    for (const row of rows) {
      if (ready !== row.ready) row.idleSince = e.now();
      // READY says which not-ready state it ends (Huawei CancelRest / CancelWork / CancelNotReady).
      const left = row.ready ? undefined : row.reason;
      row.ready = ready;
      row.reason = ready ? undefined : (reason ?? encodeNotReady(BUSY));
      await tx.upsertAgentChannel(row);
      await event(e, tx, username, ready ? 'READY' : 'NOT_READY', { channelId: row.channelId, reason: ready ? left : row.reason });
      if (ready) await route(e, tx, row.channelId);
    }
    return ok(await agentView(e, tx, agent));
  });
}

/** The agent's events after `afterId` (0 = from the oldest kept), oldest first: what the agent faces deliver. */
export function agentEvents(e: EngineContext, username: string, afterId = 0, limit = 100): Promise<Outcome<AgentEvent[]>> {
  const agent = e.roster.agent(username);
  if (!agent.ok) return Promise.resolve(agent);
  return storeGuard(() => e.store.read(async (tx) => ok(await tx.eventsAfter(username, afterId, limit))));
}

/** Everyone's events after `afterId`, oldest first (the push faces' feed). */
export function recentEvents(e: EngineContext, afterId: number, limit = 500): Promise<Outcome<AgentEvent[]>> {
  return storeGuard(() => e.store.read(async (tx) => ok(await tx.recentEvents(afterId, limit))));
}

/** The newest event id (of one agent, or of all). */
export function lastEventId(e: EngineContext, username?: string): Promise<Outcome<number>> {
  return storeGuard(() => e.store.read(async (tx) => ok(await tx.lastEventId(username))));
}

/** Every agent's queues (service codes) with penalties, roster skills at penalty 0. */
export function queueMembership(e: EngineContext): Promise<Outcome<QueueMember[]>> {
  return storeGuard(() =>
    e.store.read(async (tx) => {
      const changed = await tx.queueMembers();
      const members = new Map<string, QueueMember>();
      for (const a of e.roster.agents) {
        if (e.roster.isAgent(a.username))
          for (const code of a.skills) members.set(`${a.username}/${code}`, { username: a.username, serviceCode: code, penalty: 0 });
      }
      for (const m of changed) {
        if (m.penalty < 0) members.delete(`${m.username}/${m.serviceCode}`);
        else members.set(`${m.username}/${m.serviceCode}`, m);
      }
      return ok([...members.values()]);
    }),
  );
}

/** Add the agent to a service queue or change its penalty; a negative penalty removes it. Routes at once. */
export function setQueueMembership(e: EngineContext, username: string, serviceCode: string, penalty: number): Promise<Outcome<void>> {
  const agent = e.roster.agent(username);
  if (!agent.ok) return Promise.resolve(agent);
  const channels = e.roster.channelsWith(serviceCode);
  if (channels.length === 0) return Promise.resolve(fail('UNKNOWN_SERVICE', `no service ${serviceCode} is configured`));
  return storeGuard(() =>
    e.store.tx(async (tx) => {
      for (const id of channels) await tx.lockChannel(id);
      await tx.setQueueMember(username, serviceCode, penalty < 0 ? -1 : penalty);
      for (const id of channels) await route(e, tx, id);
      return ok(undefined);
    }),
  );
}
