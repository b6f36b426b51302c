import type { InteractionStatus, ServiceState } from '../contract/index.js';
import type { Outcome } from '../reasons/index.js';
import type { ChangeFeed } from '../push/feed.js';

/**
 * The MCC port: exactly the contact-center operations the bridge (src/bridge/mcc-bridge.ts) maps
 * the MCC onto, plus what the server needs to run one (ready, counts, close). Every backend honours
 * all of it: the embedded engine and the remote (Genesys, Huawei, XiVO) adapters. What agents do
 * (accept, reject, transfer, states) is the AgentDesk port's (agent-desk.ts), which only the
 * embedded engine offers. The data types here are the vocabulary both ports speak. Every failure
 * comes back as an `Outcome` in the shared reason vocabulary; a backend never throws for a
 * business failure.
 */

export type { InteractionStatus };

export interface NewInteraction {
  channelId: number;
  serviceCode: string;
  /** Client-chosen id; the backend generates a UUID when absent. */
  id?: string;
  data?: string;
  description?: string;
  contactId?: string;
  contactValue?: string;
}

export interface AgentRef {
  username: string;
  displayName: string;
}

export interface Interaction {
  id: string;
  channelId: number;
  serviceCode: string;
  status: InteractionStatus;
  /** Agent offered (BOOKED) or holding (ASSIGNED) the interaction; kept once CLOSED after assignment. */
  agent?: AgentRef;
  data?: string;
  description?: string;
  contactId?: string;
  contactValue?: string;
  /** Genesys-style user data; the MCC `sessionData` lives under the key `sessionData`. */
  userData: Record<string, string>;
  /** 1-based position in its queue while QUEUED. */
  queuePosition?: number;
  expectedWaitSeconds?: number;
  /** The service's closed message while it is OVERTIME. */
  serviceMessage?: string;
  createdAt: number;
  closedAt?: number;
  /** Parked by its agent in this workbin (still theirs, off their load). */
  workbin?: string;
}

/** The agent is working on it now: assigned and not parked in a workbin (a call in progress). */
export const inProgress = (i: Interaction): boolean => i.status === 'ASSIGNED' && i.workbin === undefined;

export type CloseParty = 'caller' | 'agent';

export interface AgentChannelState {
  channelId: number;
  ready: boolean;
  /** Why not ready ('wrap-up', 'rest…', 'busy…', 'no answer', a pause label); absent when ready. */
  reason?: string;
  /** Interactions BOOKED or ASSIGNED to the agent on this channel. */
  load: number;
  capacity: number;
  /** Since when in the current state (ready or not), ms. */
  since: number;
}
export interface AgentState {
  username: string;
  displayName: string;
  loggedIn: boolean;
  channels: AgentChannelState[];
  /** The line the agent logged in on, when a face gave one. */
  phone?: string;
  autoAnswer: boolean;
  autoIdle: boolean;
}

export interface Backend {
  readonly kind: string;

  // ---- services ----
  /** State of each code on the channel; unknown codes answer UNKNOWN_SERVICE. */
  serviceStates(channelId: number, serviceCodes: readonly string[]): Promise<Outcome<Record<string, ServiceState>>>;

  // ---- interactions ----
  createInteraction(spec: NewInteraction): Promise<Outcome<Interaction>>;
  getInteraction(id: string): Promise<Outcome<Interaction>>;
  /** NEW → QUEUED (routing may then offer it at once). Idempotent on QUEUED/BOOKED/ASSIGNED. */
  placeInQueue(id: string): Promise<Outcome<Interaction>>;
  /** Directed routing: offer to this agent (BOOKED, or ASSIGNED when the agent auto-answers). */
  offerTo(id: string, username: string): Promise<Outcome<Interaction>>;
  /** Close from either party; closing a CLOSED interaction succeeds. */
  complete(id: string, by: CloseParty, username?: string): Promise<Outcome<Interaction>>;
  /** Merge keys into the user data (UpdateUserData / AttachUserData). */
  updateUserData(id: string, data: Record<string, string>): Promise<Outcome<Interaction>>;

  // ---- agents ----
  /** Log out of one channel, or of all when channelId is absent; held sessions go back to their places in their queues (agents.ts). */
  agentLogout(username: string, channelId?: number): Promise<Outcome<AgentState>>;

  /** Can it serve right now (its store or vendor reachable)? For /readyz. */
  ready(): Promise<boolean>;

  /** Sessions by status and agent logins by state, for the metrics. */
  counts(): Promise<{ sessions: Record<string, number>; agents: Record<string, number> }>;

  /** Vendor backends: is the circuit breaker open? */
  readonly circuitOpen?: boolean;

  /** Vendor backends: called with the reason of every failed vendor call (metrics). */
  onVendorFailure?(listener: (reason: string) => void): void;

  /** Every change of a session (the event streams and webhooks read it); absent where sessions are not recorded. */
  readonly changes?: ChangeFeed;

  /** Stop timers and release resources. */
  close(): Promise<void>;
}
