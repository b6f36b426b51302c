import type { AgentConfig, EmbeddedConfig } from '../../config/index.js';
import { fail, type Outcome } from '../../reasons/index.js';
import { storeGuard, type AgentChannelRecord, type AgentEventKind, type QueueMember, type SessionRecord, type Store, type Tx } from '../../store/index.js';
import type { AgentState } from '../backend.js';
import type { Roster } from './roster.js';

/** The engine's own settings; who and what exists is the roster's. */
export type EngineSettings = Pick<EmbeddedConfig, 'offerTimeoutSeconds' | 'expectedHandleSeconds' | 'timeZone' | 'closedRetentionHours'>;

/**
 * What every part of the engine works with: the store, the roster, the clock and the settings
 * (on reload the engine replaces the settings and the roster what it holds). Plus the transaction
 * shapes they all use, written once so the locking order is the same everywhere: the channel a
 * change touches is locked first.
 */
export interface EngineContext {
  readonly store: Store;
  readonly roster: Roster;
  readonly now: () => number;
  settings: EngineSettings;
}

/** Is `username` a member of the service's queue right now: configured skills, changed at runtime (XiVO). */
export type SkillCheck = (username: string, serviceCode: string) => boolean;

export const unknownSession = (id: string) => fail('UNKNOWN_INTERACTION', `no session ${id}`);

/** One transaction on a session: its channel locked first, then the session read afresh. */
export function change<T>(e: EngineContext, id: string, fn: (tx: Tx, s: SessionRecord) => Promise<Outcome<T>>): Promise<Outcome<T>> {
  return storeGuard(() =>
    e.store.tx(async (tx) => {
      const seen = await tx.getSession(id);
      if (!seen) return unknownSession(id);
      await tx.lockChannel(seen.channelId);
      const s = (await tx.getSession(id)) as SessionRecord;
      return fn(tx, s);
    }),
  );
}

/** Like change(), for sessions that must not be CLOSED. */
export function changeOpen<T>(e: EngineContext, id: string, fn: (tx: Tx, s: SessionRecord) => Promise<Outcome<T>>): Promise<Outcome<T>> {
  return change(e, id, (tx, s) => (s.status === 'CLOSED' ? Promise.resolve(fail('INTERACTION_CLOSED', `session ${id} is already closed`)) : fn(tx, s)));
}

/** One transaction on an agent's channels (one channel, or all it is logged in on), each locked. */
export function changeAgent(
  e: EngineContext,
  username: string,
  channelId: number | undefined,
  fn: (tx: Tx, agent: AgentConfig, rows: AgentChannelRecord[]) => Promise<Outcome<AgentState>>,
): Promise<Outcome<AgentState>> {
  const agent = e.roster.agent(username);
  if (!agent.ok) return Promise.resolve(agent);
  return storeGuard(() =>
    e.store.tx(async (tx) => {
      const ids = (await tx.agentChannels(username)).map((r) => r.channelId).filter((id) => channelId === undefined || id === channelId);
      if (ids.length === 0) {
        return fail('AGENT_NOT_LOGGED_IN', `${username} is not logged in${channelId === undefined ? '' : ` on channel ${channelId}`}`);
      }
      const rows: AgentChannelRecord[] = [];
      for (const id of ids.sort((a, b) => a - b)) {
        await tx.lockChannel(id);
        rows.push((await tx.agentChannel(username, id)) as AgentChannelRecord);
      }
      return fn(tx, agent.value, rows);
    }),
  );
}

/** Queue membership as of this transaction: the roster's skills, with runtime additions and removals. */
export async function skillCheck(e: EngineContext, tx: Tx): Promise<SkillCheck> {
  return skillCheckOf(e, await tx.queueMembers());
}

/** The same, from the membership changes already read. */
export function skillCheckOf(e: EngineContext, members: readonly QueueMember[]): SkillCheck {
  const changed = new Map(members.map((m) => [`${m.username}/${m.serviceCode}`, m.penalty]));
  return (username, code) => {
    const a = e.roster.user(username);
    if (!a || !e.roster.isAgent(username)) return false;
    const penalty = changed.get(`${username}/${code}`);
    return penalty === undefined ? a.skills.includes(code) : penalty >= 0;
  };
}

export function event(
  e: EngineContext,
  tx: Tx,
  username: string,
  kind: AgentEventKind,
  ev: { channelId?: number; sessionId?: string; reason?: string | undefined },
): Promise<void> {
  return tx.appendEvent({ username, kind, at: e.now(), ...ev });
}
