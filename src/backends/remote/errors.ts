import type { Reason } from '../../reasons/index.js';

/** A vendor said no, in its own words, translated to the shared vocabulary by the client. */
export class VendorError extends Error {
  override readonly name = 'VendorError';
  constructor(
    readonly reason: Reason,
    message: string,
  ) {
    super(message);
  }
}
