import type { Client } from 'soap';
import { operations, type OperationName } from '../contract/index.js';
import { JSON_PATH, SOAP_PATH } from '../faces/mcc/urls.js';

/**
 * One MCC operation against any MCC server (this bridge or a real TVox), over REST/JSON with the
 * contract's method and path, or over SOAP through a node-soap client built from the server's own
 * WSDL. Both answer the result object in the REST/JSON shape.
 */
export interface Credentials {
  /** HTTP Basic; with `wsSecurity`, a WS-Security UsernameToken on the SOAP calls instead (the WSDL's GET still gets Basic). */
  username?: string | undefined;
  password?: string | undefined;
  apiKey?: string | undefined;
  wsSecurity?: boolean | undefined;
}

export interface CallOptions {
  /** The server's base URL, e.g. http://tvox.example:8080 (the MCC paths are appended). */
  url: string;
  credentials: Credentials;
  timeoutMs: number;
}

export type Request = Record<string, string | string[]>;
export type Result = Record<string, unknown>;

/**
 * Why there is no result. `refused`: the server answered, but not with a result (an HTTP error
 * status, a SOAP Fault, something that is not an MCC answer). `unreachable`: no answer at all
 * (connection refused, name not resolved, TLS, timeout).
 */
export class CallError extends Error {
  constructor(
    readonly kind: 'refused' | 'unreachable',
    message: string,
  ) {
    super(message);
  }
}

const basic = ({ username, password }: Credentials) => `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`;

/** HTTP headers carrying the credentials: Basic for a user, X-API-Key for a key. */
function authHeaders(c: Credentials): Record<string, string> {
  return {
    ...(c.username !== undefined ? { authorization: basic(c) } : {}),
    ...(c.apiKey ? { 'x-api-key': c.apiKey } : {}),
  };
}

/** A result must at least say SUCCESS or FAILED; anything else is not an MCC answer. */
function checked(result: unknown, what: string): Result {
  const r = result as Result | null;
  if (!r || typeof r !== 'object' || (r.result !== 'SUCCESS' && r.result !== 'FAILED')) {
    throw new CallError('refused', `${what} is not an MCC result: ${JSON.stringify(result)?.slice(0, 300)}`);
  }
  return r;
}

/** node-soap's HTTP client is axios, whose errors without a response never reached a server's answer. */
const unanswered = (e: unknown) => {
  const err = e as { isAxiosError?: unknown; response?: unknown };
  return err.isAxiosError === true && err.response === undefined;
};

/** One line: what went wrong, and the system's code for it when there is one (ECONNREFUSED, ENOTFOUND…). */
function reason(e: unknown): string {
  const err = e as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const text = err.cause ? `${String(err.message)} (${String(err.cause.code ?? err.cause.message)})` : String(err.message ?? e);
  return text.replace(/\s+/g, ' ').trim();
}

export async function restCall(op: OperationName, request: Request, options: CallOptions): Promise<Result> {
  const { method, path } = operations[op].rest;
  const target = new URL(`${options.url.replace(/\/+$/, '')}${JSON_PATH}${path}`);
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(options.credentials) };
  let body: string | undefined;
  if (method === 'PUT') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request);
  } else {
    for (const [k, v] of Object.entries(request)) for (const item of Array.isArray(v) ? v : [v]) target.searchParams.append(k, item);
  }
  let res: Response;
  let text: string;
  try {
    res = await fetch(target, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs) });
    text = await res.text();
  } catch (e) {
    // fetch fails only where no HTTP answer came (connection, name, TLS, a port it will not use, timeout).
    throw new CallError('unreachable', `${method} ${target.origin}${target.pathname}: ${reason(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CallError('refused', `HTTP ${res.status}, not JSON: ${text.slice(0, 300)}`);
  }
  if (!res.ok) {
    const { error, message } = (json ?? {}) as { error?: unknown; message?: unknown };
    throw new CallError('refused', `HTTP ${res.status}${error ? ` ${String(error)}` : ''}${message ? `: ${String(message)}` : ''}`);
  }
  return checked(json, 'the answer');
}

/** node-soap's reading of a result, in the REST/JSON shape: contract order, ints as numbers, the state map as {code: state}. */
function jsonShape(op: OperationName, ret: Record<string, unknown>): Result {
  const out: Result = {};
  for (const f of operations[op].result.fields) {
    const v = ret[f.name];
    if (v === undefined || v === null) continue;
    if (f.type === 'int') out[f.name] = Number(v);
    else if (f.type === 'serviceStateMap') {
      const entry = (v as { entry?: unknown }).entry;
      const entries = (Array.isArray(entry) ? entry : entry ? [entry] : []) as Array<{ key: string; value: string }>;
      out[f.name] = Object.fromEntries(entries.map((e) => [e.key, e.value]));
    } else out[f.name] = v;
  }
  return out;
}

export async function soapCall(op: OperationName, request: Request, options: CallOptions): Promise<Result> {
  // Loaded here, not at start-up: `serve` never needs a SOAP client.
  const { default: soap } = await import('soap');
  const { credentials: c, timeoutMs } = options;
  const wsdl = `${options.url.replace(/\/+$/, '')}${SOAP_PATH}?wsdl`;
  // A UsernameToken cannot authenticate a GET: a server that protects its WSDL gets the HTTP
  // credentials for it. The calls then carry the token alone, which the server reads.
  const wsdlHeaders = authHeaders({ ...c, wsSecurity: false });
  const headers = c.wsSecurity ? {} : wsdlHeaders;
  let client: Client;
  try {
    client = await soap.createClientAsync(wsdl, { wsdl_headers: wsdlHeaders, wsdl_options: { timeout: timeoutMs } });
  } catch (e) {
    throw new CallError(unanswered(e) ? 'unreachable' : 'refused', `the WSDL at ${wsdl} could not be loaded: ${reason(e)}`);
  }
  for (const [k, v] of Object.entries(headers)) client.addHttpHeader(k, v);
  if (c.wsSecurity && c.username !== undefined) {
    client.setSecurity(new soap.WSSecurity(c.username, c.password ?? '', { passwordType: 'PasswordDigest', hasNonce: true, hasTokenCreated: true }));
  }
  // node-soap hands back whatever a non-Fault error answer parses to: the status tells it apart.
  let status = 0;
  client.on('response', (_body: unknown, response: { status?: number } | undefined) => (status = response?.status ?? 0));
  // The request fields in the schema's order.
  const args = Object.fromEntries(operations[op].request.filter((f) => request[f.name] !== undefined).map((f) => [f.name, request[f.name]]));
  const method = client[`${operations[op].soap}Async`] as ((a: unknown, o: unknown) => Promise<[{ return?: Record<string, unknown> } | null]>) | undefined;
  if (typeof method !== 'function') throw new CallError('refused', `the WSDL at ${wsdl} has no operation ${operations[op].soap}`);
  let answer: { return?: Record<string, unknown> } | null;
  try {
    [answer] = await method.call(client, args, { timeout: timeoutMs });
  } catch (e) {
    // The call goes to the WSDL's soap:address, which names the server as the client reached it.
    if (unanswered(e)) throw new CallError('unreachable', `the SOAP call ${operations[op].soap}: ${reason(e)}`);
    throw new CallError('refused', `HTTP ${status || '?'}: ${reason(e)}`);
  }
  if (status !== 200) throw new CallError('refused', `HTTP ${status}: not a SOAP answer`);
  return jsonShape(op, checked(answer?.return, 'the SOAP answer'));
}
