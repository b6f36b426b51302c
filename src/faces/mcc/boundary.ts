import type { Middleware } from 'koa';
import { InvalidRequest } from '../../contract/index.js';
import type { Logger } from '../../log/logger.js';
import { BodyError, type FaceState } from '../http.js';
import type { Dialect } from './dialects.js';
import { Refusal } from './refusals.js';

/** The refusal an error stands for; an unexpected one is logged and answered without details. */
function refusalOf(e: unknown, state: FaceState, path: string, logger: Logger): Refusal {
  if (e instanceof Refusal) return e;
  if (e instanceof InvalidRequest) return new Refusal('bad_request', e.message);
  if (e instanceof BodyError)
    return new Refusal(e.status === 413 ? 'payload_too_large' : e.status === 415 ? 'unsupported_media_type' : 'bad_request', e.message);
  logger.error('unhandled error', { requestId: state.requestId, path, error: e });
  return new Refusal('internal', `internal error (request id ${state.requestId})`);
}

/**
 * The MCC face's one error layer (Koa's `onerror`, per route): whatever goes wrong below it —
 * a refusal from the catalog, a body that cannot be read, a request that breaks the schema, a bug —
 * is answered here in the route's dialect. Given a face, it names it first (one layer for both:
 * every layer is a call and a promise on every request).
 */
export function answerErrors(dialect: Dialect, logger: Logger, face?: string): Middleware<FaceState> {
  return async function answerErrors(ctx, next) {
    // The face is named for the access log and the metrics before anything below can refuse.
    if (face !== undefined) ctx.state.face = face;
    try {
      await next();
    } catch (e) {
      dialect(ctx, refusalOf(e, ctx.state, ctx.path, logger));
    }
  };
}
