import { enums, operationNames, operations, type FieldType, type RequestField } from '../../contract/index.js';
import { refusals, type RefusalDef } from './refusals.js';

/**
 * The OpenAPI 3.1 document of the REST/JSON face, beside the WADL, rendered from the same contract
 * table: one path per operation, query parameters or the JSON body, the result schema with its
 * enums, every HTTP-level refusal an operation can send (refusals.ts) as a named response it
 * references, and the refusals of other paths and methods (404, 405) in the description. Security
 * is rendered per configuration, so a generated client and a linter see what this server asks.
 */
type Schema = Record<string, unknown>;

/** The REST credentials a server takes, and whether it requires them. */
export interface OpenApiAuth {
  readonly basic: boolean;
  readonly apiKey: boolean;
  readonly required: boolean;
}

/** The committed document, for no server in particular: either scheme, or none until credentials are configured. */
export const DOCUMENTED_AUTH: OpenApiAuth = { basic: true, apiKey: true, required: false };

function schemaOf(type: FieldType | RequestField['type']): Schema {
  if (type === 'int') return { type: 'integer', format: 'int32' };
  if (type === 'string') return { type: 'string' };
  if (type === 'serviceStateMap') return { type: 'object', additionalProperties: { $ref: '#/components/schemas/ServiceState' } };
  return { $ref: `#/components/schemas/${type.enum}` };
}

/** What the event streams and the webhooks carry (src/push/feed.ts). */
const SESSION_CHANGE: Schema = {
  type: 'object',
  required: ['sessionId', 'channelId', 'serviceId', 'status', 'customMessage', 'at', 'seq'],
  properties: {
    sessionId: { type: 'string' },
    channelId: { type: 'integer', format: 'int32' },
    serviceId: { type: 'string' },
    status: { $ref: '#/components/schemas/SessionStatus' },
    username: { type: 'string', description: 'The agent holding the session (BOOKED, ASSIGNED, CLOSED after assignment)' },
    customMessage: { type: 'string', description: 'As checkSession phrases it at the change (without the queue position, which changes without the session)' },
    at: { type: 'string', format: 'date-time' },
    seq: { type: 'integer', format: 'int64', description: 'Increasing per channel; the SSE id; the same on a repeated webhook delivery' },
  },
};

function eventsOperation(security: unknown[]): Record<string, unknown> {
  const query = (name: string, description: string, schema: Schema = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
  return {
    operationId: 'events',
    summary: 'Server-Sent Events of session changes (mcc-bridge, not in the MCC): one session, or a channel’s sessions',
    description:
      '`sessionId`: one session (the access rule of checkSession); without Last-Event-ID its changes so far come first. `channelId` (optionally `serviceid`): every session of the channel from now; credentials are always required, and a bridge without credentials configured refuses it (401). Each event is `event: session`, `id:` its seq, `data:` a SessionChange; `Last-Event-ID` resumes after that seq; comment lines are heartbeats.',
    security,
    parameters: [
      query('sessionId', 'One session'),
      query('channelId', 'A channel: its sessions', { type: 'integer', format: 'int32' }),
      query('serviceid', 'With channelId: only these service codes (comma-separated)'),
      query('lastEventId', 'As the Last-Event-ID header, for clients that cannot set it'),
      { name: 'Last-Event-ID', in: 'header', required: false, description: 'Resume after this seq', schema: { type: 'string' } },
    ],
    responses: {
      200: { description: 'The stream', content: { 'text/event-stream': { schema: { type: 'string', description: 'Events whose data is a SessionChange' } } } },
      400: { $ref: '#/components/responses/bad_request' },
      401: { $ref: '#/components/responses/unauthorized' },
      404: { description: 'No such session', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
}

const webhookOperation = {
  operationId: 'sessionChangeWebhook',
  summary: 'POSTed to each push.webhooks[] subscriber for every change it covers: at least once, in order per session',
  // Not a call to this server: the receiver checks MCC-Signature instead.
  security: [],
  parameters: [
    {
      name: 'MCC-Signature',
      in: 'header',
      required: true,
      description: '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the subscriber secret>`; refuse an old t (replay)',
      schema: { type: 'string' },
    },
  ],
  requestBody: {
    required: true,
    description: 'One change; or, for a subscriber with `batch` > 1, `{"changes": [...]}` with up to that many (each session at most once)',
    content: {
      'application/json': {
        schema: {
          oneOf: [
            { $ref: '#/components/schemas/SessionChange' },
            {
              type: 'object',
              required: ['changes'],
              properties: { changes: { type: 'array', minItems: 1, maxItems: 1000, items: { $ref: '#/components/schemas/SessionChange' } } },
            },
          ],
        },
      },
    },
  },
  responses: { '2XX': { description: 'Taken; any other answer (or none within push.timeoutSeconds) is retried with backoff' } },
};

export function renderOpenApi({ base, auth = DOCUMENTED_AUTH }: { base: string; auth?: OpenApiAuth }): string {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, Schema> = {};
  for (const [name, values] of Object.entries(enums)) schemas[name] = { type: 'string', enum: [...values] };
  const restRefusals = (Object.entries(refusals) as Array<[string, RefusalDef]>).filter(([, def]) => def.status !== undefined);
  schemas.Error = {
    type: 'object',
    required: ['error', 'message'],
    properties: {
      error: { type: 'string', enum: restRefusals.map(([code]) => code) },
      message: { type: 'string' },
      retryAfterSeconds: { type: 'integer', description: 'rate_limited only: the seconds to wait, as in Retry-After' },
    },
  };
  const sentByOperations = restRefusals.filter(([, def]) => def.operations !== undefined);
  const elsewhere = restRefusals.filter(([, def]) => def.operations === undefined);
  const refusalResponses = Object.fromEntries(
    sentByOperations.map(([code, def]) => [
      code,
      { description: `HTTP ${def.status} \`${code}\`: ${def.when}`, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  );
  const schemes = {
    ...(auth.basic ? { basic: { type: 'http', scheme: 'basic' } } : {}),
    ...(auth.apiKey ? { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } : {}),
  };
  // Any one scheme will do; `{}` is the anonymous alternative of a server without credentials.
  const security = [...Object.keys(schemes).map((name) => ({ [name]: [] })), ...(auth.required ? [] : [{}])];
  for (const op of operationNames) {
    const def = operations[op];
    const resultName = def.result.type;
    schemas[resultName] = {
      type: 'object',
      properties: Object.fromEntries(def.result.fields.map((f) => [f.name, { ...schemaOf(f.type), description: f.doc }])),
      required: ['result'],
    };
    const responses: Record<string, unknown> = {
      200: {
        description: `${resultName}: result SUCCESS or FAILED with a failReason`,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${resultName}` } } },
      },
    };
    for (const [code, refusal] of sentByOperations) {
      const sends = refusal.operations === 'all' || (refusal.operations === 'withBody' && def.rest.method === 'PUT');
      if (sends) responses[String(refusal.status)] = { $ref: `#/components/responses/${code}` };
    }
    const operation: Record<string, unknown> = { operationId: op, summary: def.doc, security, responses };
    if (def.rest.method === 'PUT') {
      const body = def.rest.body ?? `${op}Request`;
      schemas[body] = {
        type: 'object',
        properties: Object.fromEntries(def.request.map((f) => [f.name, { ...schemaOf(f.type), description: f.doc }])),
        required: def.request.filter((f) => f.required).map((f) => f.name),
      };
      operation.requestBody = { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${body}` } } } };
    } else {
      operation.parameters = def.request.map((f) => ({
        name: f.name,
        in: 'query',
        required: f.required,
        description: f.doc,
        ...('repeated' in f && f.repeated
          ? { schema: { type: 'array', items: schemaOf(f.type) }, style: 'form', explode: true }
          : { schema: schemaOf(f.type) }),
      }));
    }
    paths[def.rest.path] = { [def.rest.method.toLowerCase()]: operation };
  }
  schemas.SessionChange = SESSION_CHANGE;
  paths['/events'] = { get: eventsOperation(security) };
  const doc = {
    openapi: '3.1.0',
    info: {
      title: 'TVox MultiChannel Connector (MCC) REST/JSON, served by mcc-bridge',
      version: '1.0.0',
      description: [
        'Business failures are results (`result` FAILED with a `failReason`), never HTTP errors. The HTTP-level refusals each operation can send are its responses; these come from other paths and methods, with the same Error body:',
        ...elsewhere.map(([code, def]) => `- HTTP ${def.status} \`${code}\`: ${def.when}`),
      ].join('\n'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: `${base}/json` }],
    paths,
    webhooks: { sessionChange: { post: webhookOperation } },
    components: {
      schemas,
      responses: refusalResponses,
      ...(Object.keys(schemes).length > 0 ? { securitySchemes: schemes } : {}),
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
