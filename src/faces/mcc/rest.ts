import Router from '@koa/router';
import type { Context } from 'koa';
import type { MccBridge } from '../../bridge/index.js';
import { InvalidRequest } from '../../bridge/index.js';
import { operationNames, operations, type OperationDef, type OperationName, type RawRequest } from '../../contract/index.js';
import { BodyError, readText, type FaceState } from '../http.js';
import { renderOpenApi } from './openapi.js';
import { baseUrl, JSON_PATH, REST_PATH } from './urls.js';
import { renderWadl } from './wadl.js';

export interface RestFaceOptions {
  bridge: MccBridge;
  publicUrl?: string | undefined;
  bodyLimit: number;
}

/** HTTP errors are only for what is not an MCC call; they all carry `{error, message}`. */
export function httpError(ctx: Context, status: number, error: string, message: string) {
  ctx.status = status;
  ctx.body = { error, message };
}

/** Query parameters of an operation: repeated fields as arrays, others their first value. */
function fromQuery(op: OperationName, query: Context['query']): RawRequest<OperationName> {
  const req: Record<string, string | string[]> = {};
  for (const field of operations[op].request) {
    const v = query[field.name];
    if (v === undefined) continue;
    if ('repeated' in field && field.repeated) req[field.name] = Array.isArray(v) ? v : [v];
    else req[field.name] = Array.isArray(v) ? (v[0] ?? '') : v;
  }
  return req as RawRequest<OperationName>;
}

/** PUT bodies (SetSessionDataRequest): a JSON object whose fields are strings. */
async function fromJsonBody(ctx: Context, op: OperationName, limit: number): Promise<RawRequest<OperationName>> {
  if (!ctx.is('application/json', '+json')) throw new BodyError(415, 'send the body as application/json');
  const text = await readText(ctx, limit);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new BodyError(400, `the body is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BodyError(400, `the body must be a JSON object (${(operations[op].rest as OperationDef['rest']).body ?? 'request'})`);
  const req: Record<string, string> = {};
  for (const field of operations[op].request) {
    const v = (body as Record<string, unknown>)[field.name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new BodyError(400, `${field.name} must be a string, got ${typeof v}`);
    req[field.name] = v;
  }
  return req as RawRequest<OperationName>;
}

/** The REST/JSON face at /mc/cxf/rest/json, the WADL at /mc/cxf/rest?_wadl, OpenAPI at /mc/cxf/rest/openapi.json. */
export function restFace({ bridge, publicUrl, bodyLimit }: RestFaceOptions): Router {
  const router = new Router();

  router.get([REST_PATH, JSON_PATH], (ctx, next) => {
    if (ctx.query._wadl === undefined) return next();
    (ctx.state as FaceState).face = 'rest';
    ctx.type = 'application/xml';
    ctx.body = renderWadl({ base: `${baseUrl(ctx, publicUrl)}${REST_PATH}` });
  });

  // The same contract as OpenAPI 3.1, for tools that read that rather than WADL.
  router.get(`${REST_PATH}/openapi.json`, (ctx) => {
    (ctx.state as FaceState).face = 'rest';
    ctx.type = 'application/json';
    ctx.body = renderOpenApi({ base: `${baseUrl(ctx, publicUrl)}${REST_PATH}` });
  });

  for (const op of operationNames) {
    const { method, path } = operations[op].rest;
    router.register(`${JSON_PATH}${path}`, [method], async (ctx: Context) => {
      const state = ctx.state as FaceState;
      state.face = 'rest';
      state.operation = op;
      try {
        const request = method === 'PUT' ? await fromJsonBody(ctx, op, bodyLimit) : fromQuery(op, ctx.query);
        const result = await bridge.execute(op, request);
        state.result = result.result;
        state.failReason = (result as { failReason?: string }).failReason;
        ctx.body = result;
      } catch (e) {
        if (e instanceof BodyError) return httpError(ctx, e.status, e.status === 413 ? 'payload_too_large' : e.status === 415 ? 'unsupported_media_type' : 'bad_request', e.message);
        if (e instanceof InvalidRequest) return httpError(ctx, 400, 'bad_request', e.message);
        throw e;
      }
    });
  }

  // Known path, other method → 405 with Allow; anything else under the REST base → 404.
  router.all(/^\/mc\/cxf\/rest(\/.*)?$/, (ctx) => {
    (ctx.state as FaceState).face = 'rest';
    const op = operationNames.find((o) => `${JSON_PATH}${operations[o].rest.path}` === ctx.path);
    if (op) {
      ctx.set('Allow', operations[op].rest.method);
      return httpError(ctx, 405, 'method_not_allowed', `${operations[op].rest.path} takes ${operations[op].rest.method}, not ${ctx.method}`);
    }
    return httpError(ctx, 404, 'not_found', `no MCC operation at ${ctx.path}`);
  });

  return router;
}
