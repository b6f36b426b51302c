import type { InteractionStatus, ServiceState } from '../contract/index.js';
import type { Outcome } from '../reasons/index.js';
import type { NotReadyReason } from './not-ready.js';

/**
 * The canonical contact-center operations (Genesys/Huawei style) the bridge maps the MCC onto.
 * The embedded engine implements it, and so will the Genesys, Huawei and XiVO adapters. Every
 * failure comes back as an `Outcome` in the shared reason vocabulary; a backend never throws for
 * a business failure.
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
  /** Why not ready, as the store keeps it: read it with decodeNotReady (not-ready.ts); absent when ready. */
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

/** What an agent face asks at login beyond the channels. */
export interface LoginOptions {
  phone?: string;
  /** Overrides the roster's autoAnswer for this login. */
  autoAnswer?: boolean;
  /** False: after each session the agent goes to wrap-up (not ready) instead of ready. */
  autoIdle?: boolean;
  /** State right after login; absent: not ready, without events beyond LOGGED_IN. */
  initial?: { ready: true } | { ready: false; reason?: NotReadyReason };
  /** Another agent logged in on `phone` is logged out (XiVO: the line is taken over). */
  takeOverPhone?: boolean;
}

export type TransferTarget = { username: string } | { serviceCode: string };

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
  accept(id: string, username: string): Promise<Outcome<Interaction>>;
  /** The agent declines the offer: back to QUEUED, keeping its place. */
  reject(id: string, username: string): Promise<Outcome<Interaction>>;
  /** Close from either party; closing a CLOSED interaction succeeds. */
  complete(id: string, by: CloseParty, username?: string): Promise<Outcome<Interaction>>;
  transfer(id: string, fromUsername: string, to: TransferTarget): Promise<Outcome<Interaction>>;
  /** Merge keys into the user data (UpdateUserData / AttachUserData). */
  updateUserData(id: string, data: Record<string, string>): Promise<Outcome<Interaction>>;
  deleteUserData(id: string, keys: readonly string[]): Promise<Outcome<Interaction>>;

  // ---- agents ----
  agentLogin(username: string, channelIds: readonly number[], options?: LoginOptions): Promise<Outcome<AgentState>>;
  /** Log out of one channel, or of all when channelId is absent; held sessions go back to the head of their queues. */
  agentLogout(username: string, channelId?: number): Promise<Outcome<AgentState>>;
  agentReady(username: string, channelId?: number): Promise<Outcome<AgentState>>;
  agentNotReady(username: string, channelId?: number, reason?: NotReadyReason): Promise<Outcome<AgentState>>;
  agentState(username: string): Promise<Outcome<AgentState>>;

  /** Can it serve right now (its store or vendor reachable)? For /readyz. */
  ready(): Promise<boolean>;

  /** Sessions by status and agent logins by state, for the metrics. */
  counts(): Promise<{ sessions: Record<string, number>; agents: Record<string, number> }>;

  /** Vendor backends: is the circuit breaker open? */
  readonly circuitOpen?: boolean;

  /** Vendor backends: called with the reason of every failed vendor call (metrics). */
  onVendorFailure?(listener: (reason: string) => void): void;

  /** Stop timers and release resources. */
  close(): Promise<void>;
}
