import type { ChannelConfig, EmbeddedConfig, PushConfig } from '../../config/index.js';
import { ChangeFeed, recordingChanges } from '../../push/index.js';
import type { ServiceState } from '../../contract/index.js';
import type { Outcome } from '../../reasons/index.js';
import type { Store } from '../../store/index.js';
import type { AgentDesk, AgentEvent, LoginOptions, QueueMember, TransferTarget } from '../agent-desk.js';
import type { AgentState, Backend, CloseParty, Interaction, NewInteraction } from '../backend.js';
import type { NotReadyReason } from '../not-ready.js';
import { StoredAgentSessions } from './agent-sessions.js';
import * as agents from './agents.js';
import type { EngineContext } from './context.js';
import * as interactions from './interactions.js';
import { Roster } from './roster.js';
import * as services from './services.js';
import { EngineTimers } from './timers.js';
import { route } from './transitions.js';

export interface EngineOptions {
  /** The clock for opening hours and timestamps (tests pick instants). */
  now?: () => number;
  /** The event streams' heartbeat. */
  push?: Pick<PushConfig, 'heartbeatSeconds'>;
}

/**
 * The embedded contact center: channels with licenses, services with hours and queues, agents with
 * skills and capacity, and routing that offers each queued session to the longest-idle ready agent
 * who can take it. State lives in the store (SQLite or PostgreSQL); every change is one store
 * transaction that locks the channel it touches first, so several bridge processes on one
 * PostgreSQL behave as one contact center. Configuration (who exists, skills, capacity, hours)
 * stays in memory, in the roster.
 *
 * This class only composes the parts, each a module by job: services.ts (service state),
 * interactions.ts (the lifecycle), agents.ts (agent states, queue membership, the event feed),
 * routing.ts (the policy, pure) with transitions.ts (the steps routing and the rest take), views.ts
 * (what the ports show), timers.ts (expiries), roster.ts (who and what exists).
 */
export class EmbeddedEngine implements Backend, AgentDesk {
  readonly kind = 'embedded';
  /** Who and what exists; the agent faces read it, reload replaces what it holds. */
  readonly roster: Roster;
  /** The agent faces' connections (Guid, JSESSIONID, XUC token). */
  readonly sessions: StoredAgentSessions;
  private readonly e: EngineContext;
  private readonly timers: EngineTimers;
  readonly now: () => number;
  /** Every change of a session, for the event streams and the webhooks. */
  readonly changes: ChangeFeed;

  constructor(
    config: EmbeddedConfig,
    readonly store: Store,
    options: EngineOptions = {},
  ) {
    const now = options.now ?? Date.now;
    this.now = now;
    this.roster = new Roster(config);
    this.changes = new ChangeFeed(store, options.push?.heartbeatSeconds);
    // Every transaction of the engine records the session changes it makes (push/recording.ts).
    const recorded = recordingChanges(store, {
      feed: this.changes,
      now,
      displayName: (username) => {
        const user = this.roster.user(username);
        return user ? this.roster.displayName(user) : username;
      },
    });
    this.e = { store: recorded, roster: this.roster, now, settings: config };
    this.sessions = new StoredAgentSessions(
      store,
      now,
      (username) => this.roster.user(username) !== undefined,
      (username, why) => this.agentLogout(username, undefined, why),
    );
    this.timers = new EngineTimers(this.e, () => this.sessions.expire());
  }

  /**
   * Create or upgrade the schema, then resume: offers that expired while no process was running
   * go back to their queues now, and the timer keeps firing them (from whichever process).
   */
  async start(): Promise<void> {
    await this.migrate({ channels: this.roster.channels, expectedHandleSeconds: this.e.settings.expectedHandleSeconds });
    await this.timers.start();
  }

  ready(): Promise<boolean> {
    return this.store.ping();
  }

  /**
   * A new configuration (SIGHUP): channels, services and agents as the file now says. Sessions,
   * queues and logins stay; new channel and service rows are created and the file's enabled /
   * out-of-service switches applied; then every channel is routed, as new skills may match.
   */
  async reload(config: EmbeddedConfig): Promise<void> {
    await this.migrate(config);
    this.e.settings = config;
    this.roster.reload(config);
    for (const c of config.channels) {
      await this.store.tx(async (tx) => {
        await tx.lockChannel(c.id);
        await route(this.e, tx, c.id);
      });
    }
  }

  /** The store's schema, and a row for every configured channel and service. */
  private migrate(config: { channels: readonly ChannelConfig[]; expectedHandleSeconds: number }): Promise<void> {
    return this.store.migrate({
      channels: config.channels.map((c) => ({ id: c.id, services: c.services })),
      avgHandleSeconds: config.expectedHandleSeconds,
    });
  }

  counts(): Promise<{ sessions: Record<string, number>; agents: Record<string, number> }> {
    return this.store.read((tx) => tx.counts());
  }

  async close(): Promise<void> {
    this.timers.stop();
    this.changes.close();
    await this.store.close();
  }

  /** Forget CLOSED sessions older than the retention; how many. */
  sweep(now: number): Promise<number> {
    return this.timers.sweep(now);
  }

  // ---- services

  serviceStates(channelId: number, codes: readonly string[]): Promise<Outcome<Record<string, ServiceState>>> {
    return services.serviceStates(this.e, channelId, codes);
  }
  /** Operator switches. */
  setServiceEnabled(channelId: number, code: string, enabled: boolean): Promise<Outcome<void>> {
    return services.setServiceFlag(this.e, channelId, code, { enabled });
  }
  setServiceOutOfService(channelId: number, code: string, outOfService: boolean): Promise<Outcome<void>> {
    return services.setServiceFlag(this.e, channelId, code, { outOfService });
  }

  // ---- interactions

  createInteraction(spec: NewInteraction): Promise<Outcome<Interaction>> {
    return interactions.createInteraction(this.e, spec);
  }
  getInteraction(id: string): Promise<Outcome<Interaction>> {
    return interactions.getInteraction(this.e, id);
  }
  placeInQueue(id: string): Promise<Outcome<Interaction>> {
    return interactions.placeInQueue(this.e, id);
  }
  offerTo(id: string, username: string): Promise<Outcome<Interaction>> {
    return interactions.offerTo(this.e, id, username);
  }
  accept(id: string, username: string): Promise<Outcome<Interaction>> {
    return interactions.accept(this.e, id, username);
  }
  reject(id: string, username: string): Promise<Outcome<Interaction>> {
    return interactions.reject(this.e, id, username);
  }
  complete(id: string, by: CloseParty, username?: string): Promise<Outcome<Interaction>> {
    return interactions.complete(this.e, id, by, username);
  }
  transfer(id: string, fromUsername: string, to: TransferTarget): Promise<Outcome<Interaction>> {
    return interactions.transfer(this.e, id, fromUsername, to);
  }
  updateUserData(id: string, data: Record<string, string>): Promise<Outcome<Interaction>> {
    return interactions.updateUserData(this.e, id, data);
  }
  deleteUserData(id: string, keys: readonly string[]): Promise<Outcome<Interaction>> {
    return interactions.deleteUserData(this.e, id, keys);
  }
  returnToQueue(id: string, username: string): Promise<Outcome<Interaction>> {
    return interactions.returnToQueue(this.e, id, username);
  }
  placeInWorkbin(id: string, username: string, workbin: string): Promise<Outcome<Interaction>> {
    return interactions.placeInWorkbin(this.e, id, username, workbin);
  }
  workbinContent(username: string, workbin: string): Promise<Outcome<Interaction[]>> {
    return interactions.workbinContent(this.e, username, workbin);
  }
  heldInteractions(username: string): Promise<Outcome<Interaction[]>> {
    return interactions.heldInteractions(this.e, username);
  }
  openInteractions(limit?: number): Promise<Outcome<Interaction[]>> {
    return interactions.openInteractions(this.e, limit);
  }

  // ---- agents

  agentLogin(username: string, channelIds: readonly number[], options?: LoginOptions): Promise<Outcome<AgentState>> {
    return agents.agentLogin(this.e, username, channelIds, options);
  }
  agentLogout(username: string, channelId?: number, why?: string): Promise<Outcome<AgentState>> {
    return agents.agentLogout(this.e, username, channelId, why);
  }
  agentReady(username: string, channelId?: number): Promise<Outcome<AgentState>> {
    return agents.agentReady(this.e, username, channelId);
  }
  agentNotReady(username: string, channelId?: number, reason?: NotReadyReason): Promise<Outcome<AgentState>> {
    return agents.agentNotReady(this.e, username, channelId, reason);
  }
  agentState(username: string): Promise<Outcome<AgentState>> {
    return agents.agentState(this.e, username);
  }
  setAgentOptions(username: string, options: { autoAnswer?: boolean; autoIdle?: boolean }): Promise<Outcome<AgentState>> {
    return agents.setAgentOptions(this.e, username, options);
  }
  queueMembership(): Promise<Outcome<QueueMember[]>> {
    return agents.queueMembership(this.e);
  }
  setQueueMembership(username: string, serviceCode: string, penalty: number): Promise<Outcome<void>> {
    return agents.setQueueMembership(this.e, username, serviceCode, penalty);
  }
  agentEvents(username: string, afterId?: number, limit?: number): Promise<Outcome<AgentEvent[]>> {
    return agents.agentEvents(this.e, username, afterId, limit);
  }
  recentEvents(afterId: number, limit?: number): Promise<Outcome<AgentEvent[]>> {
    return agents.recentEvents(this.e, afterId, limit);
  }
  lastEventId(username?: string): Promise<Outcome<number>> {
    return agents.lastEventId(this.e, username);
  }
}
