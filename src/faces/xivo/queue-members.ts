import type { ServiceEntry } from '../../backends/agent-desk.js';
import type { AgentConfig } from '../../config/index.js';
import type { Outcome } from '../../reasons/index.js';
import type { XucSession } from './cti.js';
import { agentConfig, groupIds } from './wire.js';

/** Queue membership changes (setAgentQueue, removeAgentFromQueue, applyUsersDefaultMembership) and who hears of them. */

export type Membership = { agent: AgentConfig; queue: ServiceEntry; penalty: number };

export async function setMembership(s: XucSession, { agent: a, queue, penalty }: Membership): Promise<Outcome<unknown>> {
  const out = await s.face.engine.setQueueMembership(a.username, queue.code, penalty);
  if (out.ok) await broadcastMembership(s, a, queue, penalty);
  return out;
}

/** A membership changed: QueueMember to whoever sees the queue, AgentConfig to whoever sees the agent. */
export async function broadcastMembership(s: XucSession, agent: AgentConfig, service: ServiceEntry, penalty: number): Promise<void> {
  const { engine, directory: dir, sessions } = s.face;
  const all = await engine.queueMembership();
  const members = all.ok
    ? all.value
        .filter((m) => m.username === agent.username)
        .flatMap((m) => dir.services.filter((x) => x.code === m.serviceCode).map((x) => ({ service: x, penalty: m.penalty })))
    : [];
  const config = agentConfig(agent, dir, groupIds(dir), members);
  for (const c of sessions) {
    if (c.rights.member(agent, service)) c.send('QueueMember', { agentId: agent.agentId, queueId: service.queueId, penalty });
    if (c.rights.agent(agent)) c.send('AgentConfig', config);
  }
}
