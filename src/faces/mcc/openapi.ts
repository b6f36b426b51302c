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
    components: {
      schemas,
      responses: refusalResponses,
      ...(Object.keys(schemes).length > 0 ? { securitySchemes: schemes } : {}),
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
