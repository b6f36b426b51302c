import type { InteractionStatus, ServiceState } from '../contract/index.js';
import type { Outcome } from '../reasons/index.js';
import type { AgentEvent, SessionRecord } from '../store/index.js';
import type { AgentChannelState } from './backend.js';

/**
 * The operator's port: what the live page at /admin shows of the contact center, read-only. A
 * snapshot holds only facts with their instants (never "waited 12 s"), so two snapshots are equal
 * exactly when nothing changed; the page counts the seconds itself. A backend fills what it knows
 * and names the rest in `unavailable` (a vendor platform keeps its agents and queues to itself).
 */

export interface ChannelView {
  id: number;
  enabled: boolean;
  /** Concurrent sessions the channel may hold; absent when the backend does not count them. */
  license?: number;
  /** Sessions not CLOSED on the channel (what the license counts). */
  used?: number;
}

export interface ServiceView {
  channelId: number;
  code: string;
  name: string;
  /** The MCC service state (getServiceState); absent when reading it would cost a vendor call. */
  state?: ServiceState;
  /** Sessions waiting in its queue. */
  queued?: number;
  /** When the session at the head of the queue (the longest waiting) was created, ms. */
  oldestQueuedAt?: number;
  /** Where the service lives on a vendor platform (a queue name or id). */
  vendorQueue?: string;
}

/** An agent's login on one channel, as the agent port reports it. */
export type AgentChannelView = AgentChannelState;

export interface AgentView {
  username: string;
  displayName: string;
  loggedIn: boolean;
  channels: AgentChannelView[];
  /** Sessions offered to (BOOKED) or held by (ASSIGNED) the agent. */
  sessions: string[];
}

export interface SessionSummary {
  id: string;
  channelId: number;
  serviceCode: string;
  status: InteractionStatus;
  agent?: string;
  createdAt: number;
  closedAt?: number;
}

export interface OperatorSnapshot {
  backend: string;
  channels: ChannelView[];
  services: ServiceView[];
  agents: AgentView[];
  /** The newest sessions, closed ones included, newest first. */
  sessions: SessionSummary[];
  /** What this backend cannot show, in words for the page. */
  unavailable: string[];
}

/** One step of a session's life, as the store recorded it. */
export interface HistoryStep {
  at: number;
  /** created, offered, assigned, released, updated, parked, closed. */
  what: string;
  agent?: string;
  /** Why: a release reason, who closed it. */
  detail?: string;
}

export interface SessionHistory {
  session: SessionSummary & { queuePosition?: number };
  steps: HistoryStep[];
  /** What the record does not keep, for the page to say (e.g. when the session was queued). */
  notes: string[];
}

export interface OperatorView {
  snapshot(): Promise<Outcome<OperatorSnapshot>>;
  history(sessionId: string): Promise<Outcome<SessionHistory>>;
}

/** What the lists show of a stored session (never its data or the customer's contact). */
export const sessionSummary = (s: SessionRecord): SessionSummary => ({
  id: s.id,
  channelId: s.channelId,
  serviceCode: s.serviceCode,
  status: s.status,
  createdAt: s.createdAt,
  ...(s.agent !== undefined ? { agent: s.agent } : {}),
  ...(s.closedAt !== undefined ? { closedAt: s.closedAt } : {}),
});

const STEP: Partial<Record<AgentEvent['kind'], string>> = {
  OFFERED: 'offered',
  ASSIGNED: 'assigned',
  RELEASED: 'released',
  UPDATED: 'updated',
  PARKED: 'parked',
  CLOSED: 'closed',
};

/**
 * A session's life: the record's own instants, and every agent event of the session, in time
 * order. What the events do not say, the record does: an assignment or a close without an agent
 * event (a vendor backend writes none; a caller leaving the queue is nobody's event).
 */
export function sessionSteps(s: SessionRecord, events: readonly AgentEvent[]): HistoryStep[] {
  const steps: HistoryStep[] = [{ at: s.createdAt, what: 'created' }];
  for (const e of events) {
    const what = STEP[e.kind];
    if (what) steps.push({ at: e.at, what, agent: e.username, ...(e.reason !== undefined ? { detail: e.reason } : {}) });
  }
  const has = (what: string) => steps.some((x) => x.what === what);
  if (s.assignedAt !== undefined && !has('assigned')) steps.push({ at: s.assignedAt, what: 'assigned', ...(s.agent !== undefined ? { agent: s.agent } : {}) });
  if (s.closedAt !== undefined && !has('closed')) steps.push({ at: s.closedAt, what: 'closed' });
  return steps.sort((a, b) => a.at - b.at);
}
