import { createHmac } from 'node:crypto';

/** The header of every webhook delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` (as Stripe signs). */
export const SIGNATURE_HEADER = 'MCC-Signature';

/**
 * Signed with the subscriber's secret over the timestamp and the exact body: a receiver checks
 * the HMAC (constant-time) and that `t` is recent, so a captured delivery cannot be replayed later.
 */
export function signature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}
