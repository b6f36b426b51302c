import type { AgentEvent } from '../../backends/agent-desk.js';
import { AckedDelivery } from './acks.js';
import type { GenesysMessage } from './events.js';
import { routes, type FayeSocket } from './faye-engine.js';
import type { AckStart } from './session-cursor.js';

/** Topics whose message is a whole state: the same state twice in a row says nothing new. */
const STATE_TOPICS = new Set(['/v2/me/devices', '/v2/me/channels']);

/**
 * Each CometD client's topics live under a private prefix; clients see the GWS names (/v2/me/…).
 * Private per client, so a notification can be given again to the one client that lost it, and
 * each client's notifications name resources by the base URL its own handshake came in on.
 */
export const prefixOf = (clientId: string) => `/c/${clientId}`;

/** What the face knows of one CometD client. */
export class CometdClient {
  /** The last state notification sent per topic, so one state change is one notification. */
  private readonly last = new Map<string, string>();
  /** The channels it subscribes to, as faye has them: what faye will deliver to it. */
  private readonly subscriptions = new Set<string>();
  /** Batches not yet acknowledged and events not yet proven, for a client that acknowledges (acks.ts). */
  readonly acks: AckedDelivery | undefined;
  /** What its agent session is owed past this event is to be sent once it subscribes (session-cursor.ts). */
  owedFrom: number | undefined;
  /** Until what it is owed is sent, live events wait for it (they are among what it is owed). */
  catchingUp: boolean;
  /** The cursor it last wrote to its agent session. */
  saved: number;
  /** Its WebSocket, when it acknowledges: faye does not write on it directly (faye-engine.ts). */
  socket: FayeSocket | undefined;

  /** `acks`: false for a client that does not acknowledge; else where it starts, if its session is known. */
  constructor(
    readonly id: string,
    readonly username: string,
    readonly base: string,
    acks: AckStart | false | undefined,
  ) {
    this.acks = acks === false ? undefined : new AckedDelivery(acks?.token, acks?.cursor ?? 0);
    this.owedFrom = acks && acks.successor ? acks.cursor : undefined;
    this.catchingUp = acks ? acks.successor : false;
    this.saved = acks ? acks.cursor : 0;
  }

  /** Where faye has a topic of this client's. */
  channel(topic: string): string {
    return `${prefixOf(this.id)}${topic}`;
  }

  /** Whether an agent event is to be turned into notifications for it now (`live`: from the feed, not a catch-up). */
  wants(e: AgentEvent, live: boolean): boolean {
    return e.username === this.username && !(live && this.catchingUp) && (this.acks?.through ?? 0) < e.id;
  }

  /** The messages worth sending, remembered as sent. */
  fresh(messages: GenesysMessage[]): GenesysMessage[] {
    return messages.filter(({ topic, data }) => {
      if (!STATE_TOPICS.has(topic)) return true;
      const text = JSON.stringify(data);
      if (this.last.get(topic) === text) return false;
      this.last.set(topic, text);
      return true;
    });
  }

  /** How many of these channels faye delivers to it. */
  delivers(channels: string[]): number {
    return channels.filter((c) => routes(c).some((s) => this.subscriptions.has(s))).length;
  }

  subscribes(): boolean {
    return this.subscriptions.size > 0;
  }

  subscribed(channels: string[], on: boolean): void {
    for (const c of channels) {
      if (on) this.subscriptions.add(c);
      else this.subscriptions.delete(c);
    }
  }
}
