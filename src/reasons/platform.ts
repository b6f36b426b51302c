import type { Reason } from './catalog.js';

/**
 * The two "platform failure" sets, side by side. They answer different questions, so they stay two,
 * and the narrow one is written inside the wide one so they cannot drift apart.
 *
 * - `platformFailure` (the remote adapters' resilience and resync): "is the vendor unwell?" Such a
 *   failure counts against the circuit breaker, earns a read its one retry, and stops a resync round.
 *   Only what the far side's health explains belongs here; a failing store of our own or a bug of ours
 *   (STORE_ERROR, INTERNAL) must not trip the breaker on a healthy vendor nor be retried against it.
 *   (resilience.ts relies on INTERNAL being outside this set.)
 * - `platformReasons` (the MCC bridge's check operations): "does this failure say anything about the
 *   session?" None of these does, ours or theirs, so checkSessionState answers UNKNOW instead of
 *   INVALID_SESSION_ID.
 */
const vendorUnwell: readonly Reason[] = ['UNAVAILABLE', 'INVALID_RESPONSE', 'TIMEOUT'];
const vendorUnwellSet: ReadonlySet<Reason> = new Set(vendorUnwell);

/** Failures that say the vendor is unwell rather than that it refused: they count against the breaker and may be retried. */
export const platformFailure = (reason: Reason): boolean => vendorUnwellSet.has(reason);

/** Reasons that mean "the platform could not say", answered by the check operations as status UNKNOW. */
export const platformReasons: ReadonlySet<Reason> = new Set<Reason>([...vendorUnwell, 'STORE_ERROR', 'INTERNAL']);
