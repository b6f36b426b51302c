import type { Interaction } from '../../backends/backend.js';
import type { AgentConfig } from '../../config/index.js';

/**
 * What a user of an agent face may see and act on, from the roster's profiles and `supervises`
 * (XiVO seed 004 "Security considerations", issue 11). Every face asks here; no handler decides a
 * right on its own.
 *
 * - admin: everyone and everything.
 * - supervisor: itself, the agents of the groups it supervises, the queues it supervises (and, when
 *   it is an agent too, its own queues).
 * - agent: itself only, and the queues it is skilled for.
 */
export type Rank = 'admin' | 'supervisor' | 'agent';

export interface Rights {
  readonly rank: Rank;
  /** See this agent (lists, states, statistics) and act on it (login, logout, pause, listen, recording, membership). */
  agent(a: AgentConfig): boolean;
  /** See this queue and act on it (its list entry, dialling from it, its callbacks). */
  queue(s: { code: string }): boolean;
  /** See an agent's membership of a queue: a supervisor those of its queues (seed 004), a plain agent its own. */
  member(a: AgentConfig, s: { code: string }): boolean;
  /** See an interaction and its user data: one it is offered, holds or held; a supervisor's queues; an admin's all. */
  sees(i: Interaction): boolean;
  /** Take an interaction: one offered to it or held by it, or one waiting in a queue in reach (never one the integrator has not queued). */
  mayTake(i: Interaction): boolean;
  /**
   * Log `target` in on the line `owner` owns. Its own line always (the
   * seed's take-over rule applies there); another agent's line only when that agent is in reach
   * too and the caller is not a plain agent.
   */
  line(target: AgentConfig, owner: AgentConfig): boolean;
}

export function rightsOf(user: AgentConfig): Rights {
  const rank: Rank = user.profiles.includes('admin') ? 'admin' : user.profiles.includes('supervisor') ? 'supervisor' : 'agent';
  if (rank === 'admin') {
    return { rank, agent: () => true, queue: () => true, member: () => true, sees: () => true, mayTake: () => true, line: () => true };
  }
  const self = (a: AgentConfig) => a.username === user.username;
  const groups = new Set(rank === 'supervisor' ? (user.supervises?.groups ?? []) : []);
  const queues = new Set([...(rank === 'supervisor' ? (user.supervises?.queues ?? []) : []), ...(user.profiles.includes('agent') ? user.skills : [])]);
  const agent = (a: AgentConfig) => self(a) || groups.has(a.group);
  const queue = (s: { code: string }) => queues.has(s.code);
  const mine = (i: Interaction) => i.agent?.username === user.username;
  return {
    rank,
    agent,
    queue,
    member: (a, s) => (rank === 'supervisor' ? queue(s) : self(a)),
    sees: (i) => mine(i) || (rank === 'supervisor' && (user.supervises?.queues ?? []).includes(i.serviceCode)),
    mayTake: (i) => ((i.status === 'BOOKED' || i.status === 'ASSIGNED') && mine(i)) || (i.status === 'QUEUED' && queue({ code: i.serviceCode })),
    line: (target, owner) => agent(target) && (owner.username === target.username || (rank === 'supervisor' && agent(owner))),
  };
}
