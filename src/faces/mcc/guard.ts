import type { Middleware } from 'koa';
import type { FaceState } from '../http.js';
import type { Credentials, UsernameToken } from '../security/credentials.js';
import { Refusal } from './refusals.js';

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
export function requireCredentials<S extends FaceState>(credentials: Credentials, { missing, token }: GuardOptions<S>): Middleware<S> {
  return function requireCredentials(ctx, next) {
    const fromHeaders = credentials.fromHeaders(ctx.get('authorization') || undefined, ctx.get('x-api-key') || undefined);
    const usernameToken = token?.(ctx.state);
    const verdict = fromHeaders ?? (usernameToken ? credentials.fromUsernameToken(usernameToken) : undefined);
    if (!verdict?.ok) {
      throw new Refusal('unauthorized', verdict?.message ?? missing, credentials.offersBasic ? { 'WWW-Authenticate': 'Basic realm="mcc-bridge"' } : {});
    }
    ctx.state.principal = verdict.principal;
    return next();
  };
}
