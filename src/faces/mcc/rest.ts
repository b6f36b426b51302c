import type { Context } from 'koa';
import type { MccBridge } from '../../bridge/index.js';
import {
  jsonAnswer,
  operationNames,
  operations,
  schemaRequest,
  type OperationDef,
  type OperationName,
  type WireRules,
  type WireValues,
} from '../../contract/index.js';
import { BodyError, readText } from '../http.js';
import type { Credentials } from '../security/credentials.js';
import type { Cors } from './cors.js';
import { jsonDialect } from './dialects.js';
import { renderOpenApi } from './openapi.js';
import { Refusal } from './refusals.js';
import type { MccRoute } from './route.js';
import { baseUrl, JSON_PATH, REST_PATH } from './urls.js';
import { renderWadl } from './wadl.js';

export interface RestFaceOptions {
  bridge: MccBridge;
  credentials: Credentials;
  publicUrl?: string | undefined;
  bodyLimit: number;
  cors?: Cors | undefined;
}

/** Query strings as CXF + Jackson read them: the first of repeated single values; a non-integer channelId is the bridge's INVALID_CHANNEL_ID. */
const REST_RULES: WireRules = { ints: 'pass', repeats: 'first', name: (field) => field };

/**
 * Query parameters of an operation, by field name, read with URLSearchParams, which is what Koa's
 * ctx.query is built from: the same values, without the object of every parameter that Koa builds
 * and caches per request (a status check spent more on it than on reading its session).
 */
function fromQuery(op: OperationName, querystring: string): WireValues {
  const params = new URLSearchParams(querystring);
  const values: Record<string, string[]> = {};
  for (const field of operations[op].request) {
    const all = params.getAll(field.name);
    if (all.length > 0) values[field.name] = all;
  }
  return values;
}

/** PUT bodies (SetSessionDataRequest): a JSON object whose fields are strings (null is absent). */
async function fromJsonBody(ctx: Context, op: OperationName, limit: number): Promise<WireValues> {
  if (!ctx.is('application/json', '+json')) throw new BodyError(415, 'send the body as application/json');
  const text = await readText(ctx, limit);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new BodyError(400, `the body is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BodyError(400, `the body must be a JSON object (${(operations[op].rest as OperationDef['rest']).body ?? 'request'})`);
  const values: Record<string, string[]> = {};
  for (const field of operations[op].request) {
    const v = (body as Record<string, unknown>)[field.name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new BodyError(400, `${field.name} must be a string, got ${typeof v}`);
    values[field.name] = [v];
  }
  return values;
}

/** The REST/JSON face at /mc/cxf/rest/json, the WADL at /mc/cxf/rest?_wadl, OpenAPI at /mc/cxf/rest/openapi.json. */
export function restRoutes({ bridge, credentials, publicUrl, bodyLimit, cors }: RestFaceOptions): MccRoute[] {
  const rest = { face: 'rest', dialect: jsonDialect } as const;
  const missing = 'credentials are required: HTTP Basic or X-API-Key';
  const notFound = (ctx: Context) => new Refusal('not_found', `no MCC operation at ${ctx.path}`);

  const contracts: MccRoute[] = [
    {
      ...rest,
      methods: ['GET'],
      path: [REST_PATH, JSON_PATH],
      credentials: 'contracts',
      missing,
      handle(ctx) {
        if (ctx.query._wadl === undefined) throw notFound(ctx);
        ctx.type = 'application/xml';
        ctx.body = renderWadl({ base: `${baseUrl(ctx, publicUrl)}${REST_PATH}` });
      },
    },
    {
      // The same contract as OpenAPI 3.1, for tools that read that rather than WADL; its security is this server's.
      ...rest,
      methods: ['GET'],
      path: `${REST_PATH}/openapi.json`,
      credentials: 'contracts',
      missing,
      handle(ctx) {
        ctx.type = 'application/json';
        ctx.body = renderOpenApi({
          base: `${baseUrl(ctx, publicUrl)}${REST_PATH}`,
          auth: { basic: credentials.offersBasic, apiKey: credentials.acceptsApiKeys, required: credentials.enabled },
        });
      },
    },
  ];

  const calls = operationNames.map((op): MccRoute => {
    const { method, path } = operations[op].rest;
    return {
      ...rest,
      methods: [method],
      path: `${JSON_PATH}${path}`,
      credentials: 'calls',
      runsOperation: true,
      missing,
      async handle(ctx) {
        ctx.state.operation = op;
        const values = method === 'PUT' ? await fromJsonBody(ctx, op, bodyLimit) : fromQuery(op, ctx.querystring);
        const result = await bridge.execute(op, schemaRequest(op, values, REST_RULES));
        ctx.state.result = result.result;
        ctx.state.failReason = (result as { failReason?: string }).failReason;
        ctx.type = 'application/json';
        ctx.body = jsonAnswer(op, result);
      },
    };
  });

  // CORS preflights, before the guard (browsers send no credentials on them); other OPTIONS go on to the 405.
  const preflights = cors
    ? operationNames.map((op): MccRoute => {
        const { method, path } = operations[op].rest;
        return { ...rest, methods: ['OPTIONS'], path: `${JSON_PATH}${path}`, credentials: 'none', handle: cors.preflight(method) };
      })
    : [];

  // Known path, other method → 405 with Allow; anything else under the REST base → 404.
  const elsewhere: MccRoute['handle'] = (ctx) => {
    const op = operationNames.find((o) => `${JSON_PATH}${operations[o].rest.path}` === ctx.path);
    if (!op) throw notFound(ctx);
    const { method, path } = operations[op].rest;
    throw new Refusal('method_not_allowed', `${path} takes ${method}, not ${ctx.method}`, { Allow: method });
  };
  const fallbacks: MccRoute[] = [
    // Under the operations' base the answer is given to authenticated callers only, as for the operations.
    { ...rest, methods: 'all', path: /^\/mc\/cxf\/rest\/json\/.*$/, credentials: 'calls', missing, handle: elsewhere },
    { ...rest, methods: 'all', path: /^\/mc\/cxf\/rest(\/.*)?$/, credentials: 'none', handle: elsewhere },
  ];
  return [...contracts, ...calls, ...preflights, ...fallbacks];
}
