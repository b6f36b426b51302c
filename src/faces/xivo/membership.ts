import type { AgentConfig } from '../../config/index.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import { command, type XucCommand } from './command.js';
import type { XucSession } from './cti.js';
import { broadcastMembership } from './queue-members.js';
import { userById, userIdOf, type Frame } from './wire.js';

/**
 * membership.js (pluginsGLPI/xivo js/xivo/membership.js; xucmgt's XucMembership and XucAgent):
 * a user's default queue membership, `{userId, membership: [{queueId, penalty}]}`. On this engine
 * the default is what the configuration gives the agent: its skills, at penalty 0. It is the file's
 * to change (then SIGHUP), so setting it is refused; applying it sets the agent's queues to it.
 */

const DEFAULT_PENALTY = 0;

/** The users a frame names (`userId` or `userIds`) whose agent the caller may act on. */
function users(key: 'userId' | 'userIds') {
  return (s: XucSession, f: Frame): Outcome<AgentConfig[]> => {
    const ids: unknown[] = key === 'userId' ? [f.userId] : Array.isArray(f.userIds) ? f.userIds : [];
    if (ids.length === 0 || ids.length > 1000) return fail('INVALID_PARAMETER', `${key} names between 1 and 1000 users`);
    const found: AgentConfig[] = [];
    for (const id of ids) {
      const u = userById(s.face.directory, id);
      if (!u || u.agentId === undefined) return fail('UNKNOWN_AGENT', `no agent with userId ${String(id)}`);
      if (!s.rights.agent(u)) return fail('FORBIDDEN', `${s.user.username} may not act on user ${String(id)}`);
      found.push(u);
    }
    return ok(found);
  };
}

/** The default membership of a user, in the queues the caller sees. */
function defaults(s: XucSession, u: AgentConfig): Array<{ queueId: number; penalty: number }> {
  const rights = s.rights;
  return s.face.directory.services.filter((q) => u.skills.includes(q.code) && rights.queue(q)).map((q) => ({ queueId: q.queueId, penalty: DEFAULT_PENALTY }));
}

const fixed = () =>
  command(
    'Error',
    () => ok(undefined),
    async () => fail('FORBIDDEN', "the default membership is the agent's skills in the configuration: change embedded.agents[].skills and reload"),
  );

export const MEMBERSHIP_COMMANDS: Record<string, XucCommand> = {
  // XucMembership.getUserDefaultMembership waits for UserQueueDefaultMembership with the same userId.
  getUserDefaultMembership: command('Error', users('userId'), async (s, [u]) => {
    if (u) s.send('UserQueueDefaultMembership', { userId: userIdOf(u), membership: defaults(s, u) });
    return ok(undefined);
  }),
  setUserDefaultMembership: fixed(),
  setUsersDefaultMembership: fixed(),
  // The agents' queues become their defaults: QueueMember (penalty -1 when removed) and AgentConfig
  // as for setAgentQueue, and UsersQueueDefaultMembership `{memberships}` (XucAgent.onDefaultMemberList).
  applyUsersDefaultMembership: command('Error', users('userIds'), async (s, list) => {
    const { engine, directory: dir } = s.face;
    const current = await engine.queueMembership();
    if (!current.ok) return current;
    const rights = s.rights;
    for (const u of list) {
      for (const q of dir.services) {
        if (!rights.queue(q)) continue;
        const now = current.value.find((m) => m.username === u.username && m.serviceCode === q.code)?.penalty;
        const want = u.skills.includes(q.code) ? DEFAULT_PENALTY : -1;
        if (now === want || (now === undefined && want < 0)) continue;
        const set = await engine.setQueueMembership(u.username, q.code, want);
        if (!set.ok) return set;
        await broadcastMembership(s, u, q, want);
      }
    }
    s.send('UsersQueueDefaultMembership', { memberships: list.map((u) => ({ userId: userIdOf(u), membership: defaults(s, u) })) });
    return ok(undefined);
  }),
};
