import { fail, ok, type Outcome } from '../../reasons/index.js';
import type { AgentChannelRecord, QueueHead, SessionRecord, Tx } from '../../store/index.js';
import { encodeNotReady, WRAP_UP } from '../not-ready.js';
import { event, skillCheck, type EngineContext, type SkillCheck } from './context.js';
import { availableAgents, planOffers, servicesToScan, type RoutingRules } from './routing.js';

/**
 * The steps a session takes inside a transaction that already holds its channel's lock, shared by
 * the interaction lifecycle, the agent states and the timers: route, offer, assign, release,
 * requeue, wrap-up. Each writes its agent events as it goes.
 */

/** Queued sessions looked at per service per routing pass (enough for any free capacity). */
const ROUTING_WINDOW = 64;

/**
 * Offer the channel's queued sessions as the routing policy says (routing.ts). The queues are read
 * only as deep as the free places first (one freed place: one head), and the whole window only
 * when that could change the plan: a page came back full and not all of it was offered (what lay
 * behind it might have taken a place a later queue's session got). Otherwise the short read gives
 * exactly the plan the window would, so a pass costs what the free places do, not the queue.
 */
export async function route(e: EngineContext, tx: Tx, channelId: number): Promise<void> {
  const capacity = (username: string) => e.roster.capacity(username, channelId);
  const rows = availableAgents(await tx.channelAgents(channelId), { capacity });
  if (rows.length === 0) return;
  const skilled = await skillCheck(e, tx);
  const rules: RoutingRules = { skilled, capacity };
  const codes: string[] = [];
  for (const code of servicesToScan(
    (e.roster.channel(channelId)?.services ?? []).map((s) => s.code),
    rows,
    rules,
  )) {
    if ((await tx.getService(channelId, code))?.enabled) codes.push(code);
  }
  const free = rows.reduce((n, r) => n + capacity(r.username) - r.load, 0);
  for (let depth = Math.min(ROUTING_WINDOW, free); ; depth = ROUTING_WINDOW) {
    const queues: QueueHead[][] = [];
    for (const code of codes) {
      const q = await tx.queueHeads(channelId, code, depth);
      if (q.length > 0) queues.push(q);
    }
    const plan = planOffers(rows, queues, rules, e.now());
    const offered = new Set(plan.map((o) => o.session.id));
    if (depth < ROUTING_WINDOW && queues.some((q) => q.length === depth && !q.every((h) => offered.has(h.id)))) continue;
    // Only the sessions offered are read whole.
    for (const { session, agent } of plan) await offer(e, tx, (await tx.getSession(session.id)) as SessionRecord, agent);
    return;
  }
}

/** BOOKED to the agent with an offer deadline, or straight to ASSIGNED when the agent auto-answers. */
export async function offer(e: EngineContext, tx: Tx, s: SessionRecord, row: AgentChannelRecord): Promise<void> {
  s.status = 'BOOKED';
  s.agent = row.username;
  s.offerExpiresAt = e.now() + e.settings.offerTimeoutSeconds * 1000;
  row.load++;
  row.idleSince = e.now();
  await tx.upsertAgentChannel(row);
  await event(e, tx, row.username, 'OFFERED', { channelId: s.channelId, sessionId: s.id });
  if (row.autoAnswer ?? e.roster.user(row.username)?.autoAnswer) return assign(e, tx, s);
  await tx.updateSession(s);
}

export async function assign(e: EngineContext, tx: Tx, s: SessionRecord): Promise<void> {
  s.status = 'ASSIGNED';
  s.assignedAt = e.now();
  s.offerExpiresAt = undefined;
  await tx.updateSession(s);
  await event(e, tx, s.agent as string, 'ASSIGNED', { channelId: s.channelId, sessionId: s.id });
}

/** Take the session off its agent's load, leaving the agent named on it; with a reason, tell the agent it went. */
export async function releaseAgent(e: EngineContext, tx: Tx, s: SessionRecord, reason?: string): Promise<void> {
  if (s.agent === undefined) return;
  if (reason) await event(e, tx, s.agent, 'RELEASED', { channelId: s.channelId, sessionId: s.id, reason });
  if (s.workbin !== undefined) return; // parked: already off the load
  const row = await tx.agentChannel(s.agent, s.channelId);
  if (row) await tx.upsertAgentChannel({ ...row, load: Math.max(0, row.load - 1), idleSince: e.now() });
}

/** After a handled session: an agent without auto-idle goes to wrap-up (not ready) on that channel. */
export async function afterSession(e: EngineContext, tx: Tx, username: string, channelId: number): Promise<void> {
  const row = await tx.agentChannel(username, channelId);
  if (!row || row.autoIdle || !row.ready) return;
  await tx.upsertAgentChannel({ ...row, ready: false, reason: encodeNotReady(WRAP_UP), idleSince: e.now() });
  await event(e, tx, username, 'NOT_READY', { channelId, reason: encodeNotReady(WRAP_UP) });
}

/** Back to QUEUED (at its original place, the head, or the tail of its service queue), saying why to its agent. */
export async function requeue(e: EngineContext, tx: Tx, s: SessionRecord, where: 'original' | 'head' | 'tail', reason: string): Promise<void> {
  await releaseAgent(e, tx, s, reason);
  s.agent = undefined;
  s.assignedAt = undefined;
  s.offerExpiresAt = undefined;
  s.workbin = undefined;
  if (where !== 'original') s.seq = await tx.nextSeq(where);
  s.status = 'QUEUED';
  await tx.updateSession(s);
}

/** The checks of a directed offer: a known agent, logged in on the channel, skilled, under capacity (ready or not). */
export async function agentAbleToTake(
  e: EngineContext,
  tx: Tx,
  username: string,
  s: SessionRecord,
  skilled?: SkillCheck,
  check = { skill: true },
): Promise<Outcome<AgentChannelRecord>> {
  const agent = e.roster.agent(username);
  if (!agent.ok) return agent;
  const row = await tx.agentChannel(username, s.channelId);
  if (!row) return fail('AGENT_NOT_LOGGED_IN', `${username} is not logged in on channel ${s.channelId}`);
  if (check.skill && !(skilled ?? (await skillCheck(e, tx)))(username, s.serviceCode))
    return fail('AGENT_UNAVAILABLE', `${username} is not skilled for service ${s.serviceCode}`);
  if (row.load >= e.roster.capacity(username, s.channelId)) return fail('AGENT_UNAVAILABLE', `${username} has no free capacity on channel ${s.channelId}`);
  return ok(row);
}
