import type { InteractionStatus } from '../../contract/index.js';

/** An interaction as the vendor reports it, in the bridge's statuses. */
export interface VendorStatus {
  status: InteractionStatus;
  /** The vendor's id of the agent offered or holding it. */
  agentId?: string | undefined;
  /** The vendor's user data of the interaction, when it says. */
  userData?: Record<string, string> | undefined;
}

/** What a client tells the backend as it runs: its connection came up or went down, an interaction changed. */
export interface VendorLink {
  up(): void;
  down(why: string): void;
  event(vendorId: string, status: VendorStatus): void;
}

export interface Submission {
  sessionId: string;
  /** The vendor queue: Genesys queue name, Huawei skill id, XiVO queue id. */
  queue: string;
  /** The vendor media type of the channel. */
  media: string;
  userData: Record<string, string>;
  contact?: string | undefined;
  description?: string | undefined;
  /** False: create it only, because it will be offered to a named agent next. */
  enqueue: boolean;
}

export interface QueueState {
  /** Within its opening hours. */
  open: boolean;
  /** Agents logged in on it, and of those, free to take an interaction. */
  logged: number;
  ready: number;
}

/**
 * The wire protocol of one vendor, and nothing else: the RemoteBackend keeps sessions, mapping,
 * deadlines, retries and the breaker. Methods throw VendorError for refusals (already in the
 * shared vocabulary); anything else thrown is a platform failure. Each honours its AbortSignal.
 */
export interface VendorClient {
  readonly kind: 'genesys' | 'huawei' | 'xivo';
  /** Connect (authenticate, subscribe to events) in the background, and keep reconnecting. */
  start(link: VendorLink): void;
  submit(s: Submission, signal: AbortSignal): Promise<string>;
  offer(vendorId: string, agentId: string, signal: AbortSignal): Promise<void>;
  status(vendorId: string, signal: AbortSignal): Promise<VendorStatus>;
  setData(vendorId: string, data: Record<string, string>, signal: AbortSignal): Promise<void>;
  close(vendorId: string, signal: AbortSignal): Promise<void>;
  queueState(queue: string, media: string, signal: AbortSignal): Promise<QueueState>;
  logoutAgent(agentId: string, media: string, signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A vendor's word looked up in one of our tables, own keys only: a code such as `constructor` or
 * `__proto__` coming from the wire is unknown, never an inherited member of the table.
 */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
