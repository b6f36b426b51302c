import type { Middleware } from 'koa';
import type { FaceState } from '../http.js';
import type { UsernameToken } from '../security/credentials.js';
import type { Dialect } from './dialects.js';
import type { SoapCall } from './soap-envelope.js';

/** What a route of the MCC face keeps for its later steps. */
export interface MccState extends FaceState {
  /** The SOAP envelope, once read (its header may carry the WS-Security credentials). */
  soapCall?: SoapCall;
}

/**
 * One route of the MCC face, as data: index.ts gives every route the same stack (its error
 * boundary in its dialect, the rate limit, its credentials guard when it needs one).
 */
export interface MccRoute {
  readonly methods: readonly string[] | 'all';
  readonly path: string | RegExp | readonly string[];
  readonly face: 'soap' | 'rest';
  readonly dialect: Dialect;
  /** `calls`: whenever credentials are configured; `contracts`: only with protectContracts. */
  readonly credentials: 'calls' | 'contracts' | 'none';
  /** The route runs an MCC operation: HEAD, which @koa/router answers with a GET route, is refused there. */
  readonly runsOperation?: true;
  /** The 401's message when no credentials came. */
  readonly missing?: string;
  /** Where the guard finds a WS-Security UsernameToken (read by `read`). */
  readonly token?: (state: MccState) => UsernameToken | undefined;
  /** A step before the guard (SOAP reads the envelope first: it may carry the credentials). */
  readonly read?: Middleware<MccState>;
  readonly handle: Middleware<MccState>;
}
