import { randomUUID } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import getRawBody from 'raw-body';
import { logAccess } from '../log/access-line.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../ops/metrics.js';

/** Plumbing every face shares: request ids, the access log line, reading a bounded body. */

export interface FaceState {
  requestId: string;
  /** Set by a face once it knows what was asked, for the access log. */
  face?: string;
  operation?: string;
  result?: string;
  failReason?: string;
  /** Who authenticated (a username or `key:<name>`), when the MCC faces require credentials. */
  principal?: string;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The outermost middleware: give every request an id (the caller's X-Request-Id when sane),
 * answer an unexpected error that no face answered without details (the log has them), and write
 * one access line. One layer instead of two: it runs on every request.
 */
export function requestScope(logger: Logger, metrics?: Metrics): Middleware<FaceState> {
  return async function requestScope(ctx, next) {
    const started = process.hrtime.bigint();
    const given = ctx.get('x-request-id');
    const state = ctx.state;
    state.requestId = SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    ctx.set('X-Request-Id', state.requestId);
    ctx.set('X-Content-Type-Options', 'nosniff'); // no answer is ever read as another type than it says
    try {
      await next();
    } catch (e) {
      logger.error('unhandled error', { requestId: state.requestId, path: ctx.path, error: e });
      ctx.status = 500;
      ctx.body = { error: 'internal', message: `internal error (request id ${state.requestId})` };
    } finally {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      metrics?.request(state.face, state.operation, state.result, state.failReason, durationMs / 1000);
      if (logger.isInfoEnabled()) {
        logAccess(logger, {
          requestId: state.requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          face: state.face,
          operation: state.operation,
          result: state.result,
          failReason: state.failReason,
          principal: state.principal,
          durationMs: Math.round(durationMs * 1000) / 1000,
        });
      }
    }
  };
}

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The request body as UTF-8 text, refusing bodies over `limit` bytes and bytes that are not UTF-8. */
export async function readText(ctx: Context, limit: number): Promise<string> {
  let raw: Buffer;
  try {
    raw = await getRawBody(ctx.req, { limit, length: ctx.get('content-length') || undefined });
  } catch (e) {
    const err = e as { type?: string; message: string };
    if (err.type === 'entity.too.large') throw new BodyError(413, `the body is larger than ${limit} bytes`);
    throw new BodyError(400, `the body could not be read: ${err.message}`);
  }
  try {
    return utf8.decode(raw);
  } catch {
    throw new BodyError(400, 'the body is not valid UTF-8');
  }
}

/** A JSON body (an empty body is `undefined`); 400 when it is not JSON, 415 when it says it is something else. */
export async function readJson(ctx: Context, limit: number): Promise<unknown> {
  const type = ctx.get('content-type');
  if (type && !/^application\/(.+\+)?json\b/i.test(type) && !/^text\/plain\b/i.test(type)) {
    throw new BodyError(415, `expected application/json, not ${type.split(';')[0]}`);
  }
  const text = await readText(ctx, limit);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(400, 'the body is not valid JSON');
  }
}

/**
 * The base URL clients should use: the configured public URL, or the one this request came in on
 * (Koa reads X-Forwarded-Proto/Host only when the app trusts its proxy).
 */
export function baseUrl(ctx: Context, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  return `${ctx.protocol}://${ctx.host}`;
}

/** The username and password of an `Authorization: Basic …` header; undefined for any other header. */
export function basicCredentials(authorization: string | undefined): { username: string; password: string } | undefined {
  if (!authorization || !/^basic /i.test(authorization)) return undefined;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? { username: decoded, password: '' } : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
