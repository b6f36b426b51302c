import type { AgentConfig, ChannelConfig, ServiceConfig } from '../../config/index.js';
import type { Interaction } from '../backend.js';
import { SeqQueue, type Queued } from './queue.js';

/** The engine's live records. Only the engine mutates them; the outside world gets copies. */

/** What the engine keeps of a session: the shared fields of an Interaction, plus routing state. */
export interface Session
  extends Queued,
    Pick<Interaction, 'channelId' | 'serviceCode' | 'status' | 'data' | 'description' | 'contactId' | 'contactValue' | 'userData' | 'createdAt' | 'closedAt'> {
  /** Username offered (BOOKED) or holding (ASSIGNED); kept after CLOSED if it was assigned. */
  agent?: string;
  assignedAt?: number;
  /** Agents who declined it: never offered to them again. */
  rejectedBy: Set<string>;
  offerTimer?: NodeJS.Timeout;
}

export interface ServiceRuntime {
  readonly channelId: number;
  readonly cfg: ServiceConfig;
  enabled: boolean;
  outOfService: boolean;
  readonly queue: SeqQueue<Session>;
  /** Moving average of ASSIGNED → CLOSED, seconds: the base of the expected wait. */
  avgHandleSeconds: number;
}

export interface ChannelRuntime {
  readonly cfg: ChannelConfig;
  /** Sessions not CLOSED: what the license counts. */
  active: number;
  readonly services: Map<string, ServiceRuntime>;
}

export interface AgentChannel {
  ready: boolean;
  /** Sessions BOOKED or ASSIGNED to the agent on this channel. */
  load: number;
}

export interface AgentRuntime {
  readonly cfg: AgentConfig;
  readonly displayName: string;
  readonly channels: Map<number, AgentChannel>;
  /** Ids of the sessions BOOKED or ASSIGNED to the agent, on any channel. */
  readonly held: Set<string>;
  /** Longest idle is offered first: reset when ready, offered, or freed. */
  idleSince: number;
}

export const isAgent = (a: AgentRuntime) => a.cfg.profiles.includes('agent');

export function capacityOn(a: AgentRuntime, channelId: number): number {
  const c = a.cfg.capacity;
  return typeof c === 'number' ? c : (c[String(channelId)] ?? 0);
}

export const skilledFor = (a: AgentRuntime, serviceCode: string) => a.cfg.skills.includes(serviceCode);
