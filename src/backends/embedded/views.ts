import type { AgentConfig } from '../../config/index.js';
import { ok, type Outcome } from '../../reasons/index.js';
import type { AgentChannelRecord, CachedReads, QueueMember, ServiceRecord, SessionRecord, Tx } from '../../store/index.js';
import type { AgentState, Interaction } from '../backend.js';
import { interactionOf } from '../interaction-view.js';
import { skillCheckOf, type EngineContext } from './context.js';
import { isOpen } from './schedule.js';

/**
 * What the ports show of a stored session and of an agent's logins: the interaction with its
 * place in the queue, expected wait and the service's closed message; the agent's channels with
 * load and capacity. Read inside the caller's transaction (a poll's, from the read model at once).
 */

/** What a queued session's view needs besides the session: read in a transaction or from the read model. */
interface QueueFacts {
  position: number;
  logged: readonly AgentChannelRecord[];
  /** Runtime membership changes; only read when someone is logged in. */
  members: readonly QueueMember[];
  service: ServiceRecord | null | undefined;
}

export async function interactionView(e: EngineContext, tx: Tx, s: SessionRecord): Promise<Interaction> {
  if (s.status !== 'QUEUED') return viewOf(e, s, undefined);
  const position = await tx.queuePosition(s);
  const logged = await tx.channelAgents(s.channelId);
  // Nobody logged in: no need to read the queue memberships.
  const members = logged.length > 0 ? await tx.queueMembers() : [];
  return viewOf(e, s, { position, logged, members, service: await tx.getService(s.channelId, s.serviceCode) });
}

/**
 * The same view from the read model alone, at once; undefined when it lacks any of it (the caller
 * then reads through the store, which fills it).
 */
export function cachedInteractionView(e: EngineContext, c: CachedReads, s: SessionRecord): Interaction | undefined {
  if (s.status !== 'QUEUED') return viewOf(e, s, undefined);
  const logged = c.channelAgents(s.channelId);
  const members = logged === undefined || logged.length === 0 ? [] : c.queueMembers();
  const service = c.service(s.channelId, s.serviceCode);
  if (logged === undefined || members === undefined || service === undefined) return undefined;
  return viewOf(e, s, { position: c.queuePosition(s), logged, members, service });
}

function viewOf(e: EngineContext, s: SessionRecord, queue: QueueFacts | undefined): Interaction {
  const agent = s.agent !== undefined ? e.roster.user(s.agent) : undefined;
  const view = interactionOf(s, agent ? { username: agent.username, displayName: e.roster.displayName(agent) } : undefined);
  const cfg = e.roster.serviceConfig(s.channelId, s.serviceCode);
  if (queue) {
    const skilled = queue.logged.length > 0 ? skillCheckOf(e, queue.members) : () => false;
    const staffed = queue.logged.filter((r) => skilled(r.username, s.serviceCode)).reduce((n, r) => n + e.roster.capacity(r.username, s.channelId), 0);
    const avg = queue.service?.avgHandleSeconds ?? e.settings.expectedHandleSeconds;
    view.queuePosition = queue.position;
    view.expectedWaitSeconds = Math.ceil(queue.position / Math.max(1, staffed)) * Math.round(avg);
  }
  if (cfg && (s.status === 'NEW' || s.status === 'QUEUED') && !isOpen(cfg, e.settings.timeZone, e.now())) {
    view.serviceMessage = cfg.closedMessage;
  }
  return view;
}

/** The session as it now stands in this transaction. */
export async function reread(e: EngineContext, tx: Tx, id: string): Promise<Outcome<Interaction>> {
  return ok(await interactionView(e, tx, (await tx.getSession(id)) as SessionRecord));
}

export async function agentView(e: EngineContext, tx: Tx, a: AgentConfig): Promise<AgentState> {
  const rows = await tx.agentChannels(a.username);
  const first = rows[0];
  return {
    username: a.username,
    displayName: e.roster.displayName(a),
    loggedIn: rows.length > 0,
    channels: rows.map((r) => ({
      channelId: r.channelId,
      ready: r.ready,
      load: r.load,
      capacity: e.roster.capacity(a.username, r.channelId),
      since: r.idleSince,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
    })),
    ...(first?.phone !== undefined ? { phone: first.phone } : {}),
    autoAnswer: first?.autoAnswer ?? a.autoAnswer,
    autoIdle: first?.autoIdle ?? true,
  };
}
