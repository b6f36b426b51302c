import type { SecurityConfig } from '../../config/index.js';
import { AuthThrottle } from './auth-throttle.js';
import { Credentials } from './credentials.js';
import { RateLimit } from './rate-limit.js';

export { AuthThrottle } from './auth-throttle.js';
export { Credentials } from './credentials.js';
export { perClientLimit, RateLimit, refusedUpgrade } from './rate-limit.js';

/** What every door shares to decide who comes in: built once per process, handed to each face. */
export interface DoorSecurity {
  readonly credentials: Credentials;
  /** Failed authentications per IP and per username, across all doors. */
  readonly throttle: AuthThrottle;
  /** The per-client request budget, when configured. */
  readonly rateLimit?: RateLimit | undefined;
}

export function doorSecurity(config: SecurityConfig): DoorSecurity {
  return {
    credentials: new Credentials(config),
    throttle: new AuthThrottle(config.authFailures),
    rateLimit: config.rateLimit ? new RateLimit(config.rateLimit) : undefined,
  };
}
