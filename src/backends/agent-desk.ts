import type { AgentConfig } from '../config/index.js';
import type { Outcome } from '../reasons/index.js';
import type { QueueMember } from '../store/index.js';
import type { NotReadyReason } from './not-ready.js';
import type { AgentState, CloseParty, Interaction, NewInteraction } from './backend.js';

/**
 * What the agent faces (Genesys GWS, Huawei CC-Gateway, XiVO XUC styles) may ask of the contact
 * center: agent sessions, the interactions an agent holds or may take, agent states, queue
 * membership and the agent event feed. The embedded engine implements it; a remote backend does
 * not (the vendor platform has its own agent desktops). Faces depend on this port and its types,
 * never on the engine class or the store's records.
 */

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

export interface ServiceEntry {
  channelId: number;
  code: string;
  name: string;
  /** Its number on the agent faces (XiVO queueId, Huawei skill id). */
  queueId: number;
}

/**
 * Who and what the agent faces can name, as the configuration says: users by username, numeric
 * agent id and line; channels by media type; services by queue id. Read-only: the contact center
 * replaces what it holds on reload, so a face keeps the same object.
 */
export interface AgentRoster {
  readonly agents: readonly AgentConfig[];
  readonly services: readonly ServiceEntry[];
  user(username: string): AgentConfig | undefined;
  agentById(agentId: number): AgentConfig | undefined;
  /** A line the installation knows: some agent's own line. */
  knowsLine(line: string): boolean;
  displayName(a: AgentConfig): string;
  /** Check a password in constant time; a user without a password cannot sign in through an agent face. */
  authenticate(username: string, password: string): Outcome<AgentConfig>;
  mediaType(channelId: number): string;
  channelOfMedia(mediaType: string): number | undefined;
  /** The enabled channels the agent can work on (capacity above 0): where an agent face logs it in. */
  workChannels(a: AgentConfig): number[];
  serviceByQueueId(queueId: number): ServiceEntry | undefined;
  service(channelId: number, code: string): ServiceEntry | undefined;
}

export type AgentEventKind =
  | 'LOGGED_IN'
  | 'LOGGED_OUT'
  | 'READY'
  | 'NOT_READY'
  | 'OFFERED'
  | 'ASSIGNED'
  | 'RELEASED'
  | 'CLOSED'
  /** The user data of a held session changed; a session was parked in a workbin. */
  | 'UPDATED'
  | 'PARKED';

/** What happened to an agent, in order: each face turns these into its own events. */
export interface AgentEvent {
  /** Increasing: a face remembers the last one it delivered. */
  readonly id: number;
  readonly username: string;
  readonly kind: AgentEventKind;
  readonly channelId?: number | undefined;
  readonly sessionId?: string | undefined;
  readonly at: number;
  /** Why (a not-ready reason as stored, read with decodeNotReady; why a session was released; who closed it). */
  readonly reason?: string | undefined;
}

/** An agent's connection through a face: a Huawei Guid, a Genesys JSESSIONID, a XUC token. */
export interface AgentSession {
  token: string;
  face: string;
  username: string;
  createdAt: number;
  expiresAt: number;
  /** When it expires unused, the agent is signed out (Huawei: no polling for 2 minutes). */
  logoutOnExpiry: boolean;
  /** Last agent event delivered through it. */
  cursor: number;
  lastSent?: string | undefined;
}

/** How a session is opened. */
export interface OpenOptions {
  ttlMs: number;
  logoutOnExpiry: boolean;
  /** Hand out the agent's live session on the face, if any, instead of a new one. */
  reuse?: boolean;
  /** A sign-in on these channels: refused while the agent is logged in; replaces its other sessions on the face. */
  signIn?: readonly number[];
}

/** Agent sessions, kept where every bridge process sees them. */
export interface AgentSessions {
  /** A new session; its cursor starts at the agent's newest event. */
  open(username: string, face: string, options: OpenOptions): Promise<Outcome<AgentSession>>;
  /** The live session of a token on a face, its expiry pushed out by `extendMs` when given. */
  find(token: string, face: string, extendMs?: number): Promise<Outcome<AgentSession>>;
  save(session: AgentSession): Promise<Outcome<void>>;
  /** Move a session's cursor forward to `cursor` (never back), leaving the rest of it as the store has it. */
  advanceCursor(token: string, cursor: number): Promise<Outcome<void>>;
  /** A new token for the session; the old one keeps working for `graceMs`. */
  rotate(session: AgentSession, ttlMs: number, graceMs: number): Promise<Outcome<AgentSession>>;
  close(which: { token: string } | { username: string; face: string }): Promise<Outcome<void>>;
}

/** The store's record of a runtime membership change is what the desk shows. */
export type { QueueMember };

export interface AgentDesk {
  readonly sessions: AgentSessions;
  /** The desk's clock, the one session times are written in (tests simulate it). */
  readonly now: () => number;
  readonly roster: AgentRoster;

  // ---- interactions an agent sees or works on ----
  createInteraction(spec: NewInteraction): Promise<Outcome<Interaction>>;
  getInteraction(id: string): Promise<Outcome<Interaction>>;
  placeInQueue(id: string): Promise<Outcome<Interaction>>;
  offerTo(id: string, username: string): Promise<Outcome<Interaction>>;
  accept(id: string, username: string): Promise<Outcome<Interaction>>;
  /** The agent declines the offer: back to QUEUED, keeping its place. */
  reject(id: string, username: string): Promise<Outcome<Interaction>>;
  complete(id: string, by: CloseParty, username?: string): Promise<Outcome<Interaction>>;
  transfer(id: string, fromUsername: string, to: TransferTarget): Promise<Outcome<Interaction>>;
  /** A held session back to the head of its queue, unfinished. */
  returnToQueue(id: string, username: string): Promise<Outcome<Interaction>>;
  placeInWorkbin(id: string, username: string, workbin: string): Promise<Outcome<Interaction>>;
  workbinContent(username: string, workbin: string): Promise<Outcome<Interaction[]>>;
  updateUserData(id: string, data: Record<string, string>): Promise<Outcome<Interaction>>;
  deleteUserData(id: string, keys: readonly string[]): Promise<Outcome<Interaction>>;
  /** Sessions BOOKED or ASSIGNED to the agent (parked ones included), oldest first. */
  heldInteractions(username: string): Promise<Outcome<Interaction[]>>;
  /** Every session not CLOSED, oldest first. */
  openInteractions(limit?: number): Promise<Outcome<Interaction[]>>;

  // ---- agent states ----
  agentLogin(username: string, channelIds: readonly number[], options?: LoginOptions): Promise<Outcome<AgentState>>;
  agentLogout(username: string, channelId?: number, why?: string): Promise<Outcome<AgentState>>;
  agentReady(username: string, channelId?: number): Promise<Outcome<AgentState>>;
  agentNotReady(username: string, channelId?: number, reason?: NotReadyReason): Promise<Outcome<AgentState>>;
  agentState(username: string): Promise<Outcome<AgentState>>;
  setAgentOptions(username: string, options: { autoAnswer?: boolean; autoIdle?: boolean }): Promise<Outcome<AgentState>>;

  // ---- queue membership ----
  queueMembership(): Promise<Outcome<QueueMember[]>>;
  /** Add to a service queue or change the penalty; a negative penalty removes. */
  setQueueMembership(username: string, serviceCode: string, penalty: number): Promise<Outcome<void>>;

  // ---- the agent event feed ----
  agentEvents(username: string, afterId?: number, limit?: number): Promise<Outcome<AgentEvent[]>>;
  recentEvents(afterId: number, limit?: number): Promise<Outcome<AgentEvent[]>>;
  lastEventId(username?: string): Promise<Outcome<number>>;
}
