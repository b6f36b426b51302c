import type { Body } from './wire.js';

/** A notification as faye put it in an answer: the channel it was published on, its data, and the agent event it tells of (0: none). */
export interface Delivered {
  channel: string;
  data: Body;
  event: number;
}

/**
 * The CometD acknowledgement extension, server side, for one client: the extension of the CometD
 * project (cometd/AckExtension.js in the `cometd` package, "org.cometd.server.ext.
 * AcknowledgedMessagesExtension" on the Java server GWS is built on). The client asks for it with
 * `ext: {ack: true}` in its handshake; each /meta/connect answer carries `ext.ack`, a batch number;
 * the client's next /meta/connect sends back the last batch it got. A batch it does not
 * acknowledge was lost on the way and is given again, once; an acknowledged one never.
 *
 * As the CometD reference has it (docs.cometd.org, "Message Acknowledgment Extension", source
 * cometd/cometd-documentation src/main/asciidoc/extensions_acknowledge.adoc: the ack id rides in
 * the `ext` of the /meta/connect messages "associated with message delivery"; and the header of
 * cometd-javascript's AckExtension.js: "all messages arriving from the server will arrive via
 * /meta/connect"), every notification of such a client rides in a /meta/connect answer, on the
 * WebSocket transport too, where the server would otherwise write it at once (the same doc's
 * "Message Ordering": direct delivery on non-polling transports). cometd.ts has faye hold those
 * WebSocket deliveries (faye-engine.ts).
 *
 * It also counts, per agent event, the notifications handed to faye for the client and not yet
 * acknowledged: every event up to `proven()` reached the client, which is where the agent
 * session's cursor may go (a client faye forgets is followed by one that starts there).
 */
export class AckedDelivery {
  private last = 0;
  private readonly unacked = new Map<number, Delivered[]>();
  /** Notifications handed to faye and not yet acknowledged, counted per agent event. */
  private readonly owed = new Map<number, number>();
  /** The newest agent event handed to faye for this client, or the one it started after. */
  private handedUpTo: number;

  /** `token`: the agent session the client delivers through; `cursor`: the event it starts after. */
  constructor(
    readonly token: string | undefined,
    cursor: number,
  ) {
    this.handedUpTo = cursor;
  }

  /** The newest agent event handed to faye for this client: a later copy of an older one is not sent. */
  get through(): number {
    return this.handedUpTo;
  }

  /** Agent event `event` was turned into `notifications` notifications faye will deliver to the client. */
  handed(event: number, notifications: number): void {
    if (notifications > 0) this.owed.set(event, (this.owed.get(event) ?? 0) + notifications);
    this.handedUpTo = Math.max(this.handedUpTo, event);
  }

  /** A connect answer: its batch number, and the list its notifications go into. */
  open(): { batch: number; carried: Delivered[] } {
    const carried: Delivered[] = [];
    this.last += 1;
    this.unacked.set(this.last, carried);
    return { batch: this.last, carried };
  }

  /** The client has every batch up to `batch`: those are forgotten; what later ones carried is lost, in order. */
  acknowledge(batch: number): Delivered[] {
    const lost: Delivered[] = [];
    for (const [n, carried] of this.unacked) {
      if (n > batch) lost.push(...carried);
      else for (const m of carried) this.settle(m.event);
      this.unacked.delete(n);
    }
    return lost;
  }

  /** Every agent event up to here reached the client. */
  proven(): number {
    let oldest = Infinity;
    for (const e of this.owed.keys()) oldest = Math.min(oldest, e);
    return Math.min(this.handedUpTo, oldest - 1);
  }

  private settle(event: number): void {
    const left = (this.owed.get(event) ?? 0) - 1;
    if (left > 0) this.owed.set(event, left);
    else this.owed.delete(event);
  }
}
