import type { AgentConfig } from '../../config/index.js';
import { ok, type Outcome } from '../../reasons/index.js';
import type { SessionRecord, Tx } from '../../store/index.js';
import type { AgentState, Interaction } from '../backend.js';
import { interactionOf } from '../interaction-view.js';
import { skillCheck, type EngineContext } from './context.js';
import { isOpen } from './schedule.js';

/**
 * What the ports show of a stored session and of an agent's logins: the interaction with its
 * place in the queue, expected wait and the service's closed message; the agent's channels with
 * load and capacity. Read inside the caller's transaction.
 */

export async function interactionView(e: EngineContext, tx: Tx, s: SessionRecord): Promise<Interaction> {
  const agent = s.agent !== undefined ? e.roster.user(s.agent) : undefined;
  const view = interactionOf(s, agent ? { username: agent.username, displayName: e.roster.displayName(agent) } : undefined);
  const cfg = e.roster.serviceConfig(s.channelId, s.serviceCode);
  if (s.status === 'QUEUED') {
    const position = await tx.queuePosition(s);
    const logged = await tx.channelAgents(s.channelId);
    // Nobody logged in: no need to read the queue memberships.
    const skilled = logged.length > 0 ? await skillCheck(e, tx) : () => false;
    const staffed = logged.filter((r) => skilled(r.username, s.serviceCode)).reduce((n, r) => n + e.roster.capacity(r.username, s.channelId), 0);
    const avg = (await tx.getService(s.channelId, s.serviceCode))?.avgHandleSeconds ?? e.settings.expectedHandleSeconds;
    view.queuePosition = position;
    view.expectedWaitSeconds = Math.ceil(position / Math.max(1, staffed)) * Math.round(avg);
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
