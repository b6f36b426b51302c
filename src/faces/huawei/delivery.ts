import type { AgentSession } from '../../backends/agent-desk.js';

/**
 * What a Guid's event delivery stands at, kept with the session in the store (its `lastSent`, which
 * only this face uses) so a poll landing on any bridge process carries on from it.
 *
 * The session's `cursor` is the last event the client proved it received. `pending` is what the
 * last answer on this Guid handed out: the next poll with the same Guid proves it arrived (the
 * gateway's protocol has no ack, and a client polls again only after reading an answer), and only
 * then is it consumed. An answer the client never read (its poll abandoned, the socket closed before
 * the answer was written) is un-handed, so it goes out again — once.
 */
export interface Delivery {
  /** The state said last (its event type and content), so several channels reporting one change say it once. */
  said?: string | undefined;
  /** Handed out, not yet proved received: where the cursor goes, and what was said, once it is. */
  pending?: { to: number; said?: string | undefined } | undefined;
  /** When this Guid last handed out a successor (dynamic authentication); its creation until then. */
  rotatedAt?: number | undefined;
  /** A reload removed or disabled its agent: the Guid answers "not signed in" until it lapses, even if the agent comes back. */
  ended?: true | undefined;
}

/** The delivery of a session; a bare string (written before deliveries were acknowledged) is what was said. */
export function deliveryOf(s: AgentSession): Delivery {
  const raw = s.lastSent;
  if (raw === undefined || raw === '') return {};
  if (!raw.startsWith('{')) return { said: raw };
  try {
    const d = JSON.parse(raw) as Delivery;
    return typeof d === 'object' && d !== null ? d : {};
  } catch {
    return {};
  }
}

export function withDelivery(s: AgentSession, d: Delivery): AgentSession {
  return { ...s, lastSent: JSON.stringify(d) };
}

/**
 * This poll proves the last answer on the Guid arrived: what it handed out is consumed. A call event
 * handed out clears what was said, so the same state after another call is said again (a second
 * wrap-up after a second session).
 */
export function acknowledge(s: AgentSession): { session: AgentSession; changed: boolean } {
  const d = deliveryOf(s);
  if (!d.pending) return { session: s, changed: false };
  const { pending, ...rest } = d;
  return { session: withDelivery({ ...s, cursor: Math.max(s.cursor, pending.to) }, { ...rest, said: pending.said }), changed: true };
}
