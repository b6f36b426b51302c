import type { Middleware } from 'koa';
import type { FaceState } from '../http.js';
import type { AuthThrottle } from '../security/auth-throttle.js';
import { basicCredentials } from '../http.js';
import type { Credentials, UsernameToken } from '../security/credentials.js';
import { Refusal, tooManyRequests } from './refusals.js';

export interface GuardOptions<S> {
  /** The 401's message when the request carries no credentials at all. */
  readonly missing: string;
  /** A WS-Security UsernameToken the route has read (the SOAP envelope's header). */
  readonly token?: ((state: S) => UsernameToken | undefined) | undefined;
}

/**
 * Credentials, attached to each route that needs them: HTTP Basic or X-API-Key, else the route's
 * UsernameToken. Who got in goes to the access log; who did not gets the `unauthorized` refusal.
 */
export function requireCredentials<S extends FaceState>(credentials: Credentials, throttle: AuthThrottle, { missing, token }: GuardOptions<S>): Middleware<S> {
  return async function requireCredentials(ctx, next) {
    const authorization = ctx.get('authorization') || undefined;
    const apiKey = ctx.get('x-api-key') || undefined;
    const usernameToken = token?.(ctx.state);
    // The username an attempt names, for its own budget of failures (an API key names none).
    const username = apiKey ? undefined : (basicCredentials(authorization)?.username ?? usernameToken?.username);
    // No credentials at all is no attempt: nothing is compared, so there is no budget to look up.
    if (authorization !== undefined || apiKey !== undefined || usernameToken !== undefined) {
      const wait = await throttle.blocked(ctx.ip, username);
      if (wait !== undefined) throw tooManyRequests(wait, 'Too many failed authentications');
    }
    const fromHeaders = credentials.fromHeaders(authorization, apiKey);
    const verdict = fromHeaders ?? (usernameToken ? credentials.fromUsernameToken(usernameToken) : undefined);
    if (!verdict?.ok) {
      // No credentials at all is not a guess; a wrong one is.
      if (verdict) await throttle.failed(ctx.ip, username);
      throw new Refusal('unauthorized', verdict?.message ?? missing, credentials.offersBasic ? { 'WWW-Authenticate': 'Basic realm="mcc-bridge"' } : {});
    }
    ctx.state.principal = verdict.principal;
    return next();
  };
}
