import type { Body } from './wire.js';

/** A notification as faye put it in an answer: the channel it was published on, and its data. */
export interface Delivered {
  channel: string;
  data: Body;
}

/**
 * The CometD acknowledgement extension, server side, for one client: the extension of the CometD
 * project (cometd/AckExtension.js in the `cometd` package, "org.cometd.server.ext.
 * AcknowledgedMessagesExtension" on the Java server GWS is built on). The client asks for it with
 * `ext: {ack: true}` in its handshake; each /meta/connect answer carries `ext.ack`, a batch number;
 * the client's next /meta/connect sends back the last batch it got. A batch it does not
 * acknowledge was lost on the way and is given again, once; an acknowledged one never.
 */
export class AckedDelivery {
  private last = 0;
  private readonly unacked = new Map<number, Delivered[]>();

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
      this.unacked.delete(n);
    }
    return lost;
  }
}
