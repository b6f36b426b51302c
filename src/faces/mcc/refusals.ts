/**
 * Every HTTP-level refusal the MCC face sends: what is not an MCC call (business failures are
 * results, never refusals). One entry per `error` code, with its HTTP status on REST, its SOAP 1.1
 * Fault (fault code and HTTP status) on the SOAP endpoint, and when it is sent. The face answers
 * only through this table; a test holds it against the README's table and the OpenAPI document.
 */
export type FaultCode = 'Client' | 'Server' | 'VersionMismatch' | 'MustUnderstand' | 'FailedAuthentication';

export interface RefusalDef {
  /** The HTTP status on REST (and of the plain-text answers of GET on the SOAP endpoint); absent when REST never sends it. */
  readonly status?: number;
  /** The Fault on `POST /mc/cxf/soap`; absent when SOAP never sends it. */
  readonly soap?: { readonly fault: FaultCode; readonly status: number };
  /** Which REST operation routes can send it (the OpenAPI lists it there); absent: only other paths and methods. */
  readonly operations?: 'all' | 'withBody';
  /** What the access log and the metrics record as the failReason. */
  readonly logAs?: string;
  readonly when: string;
}

export const refusals = {
  bad_request: {
    status: 400,
    soap: { fault: 'Client', status: 500 },
    operations: 'all',
    when: 'the request breaks the schema (a value holding a character XML 1.0 cannot carry — the message names the field —, a value outside its enumeration; on SOAP also a character reference to such a character, a non-xs:int, a repeated single element, not XML, a DTD, not a SOAP envelope, an unknown operation, an operation element outside the target namespace, a SOAPAction naming another operation) or its body cannot be read (bad JSON, wrong JSON types, not UTF-8)',
  },
  unauthorized: {
    status: 401,
    soap: { fault: 'FailedAuthentication', status: 500 },
    logAs: 'UNAUTHENTICATED',
    operations: 'all',
    when: 'credentials are configured and the request has none or wrong ones (HTTP Basic, X-API-Key, on SOAP also a WS-Security UsernameToken); the WSDL, WADL and OpenAPI only with protectContracts',
  },
  not_found: {
    status: 404,
    when: 'no MCC operation at that path under /mc/cxf/rest, or GET /mc/cxf/soap?xsd=… (the WSDL imports no schema)',
  },
  method_not_allowed: {
    status: 405,
    when: 'an MCC path asked with another method (the Allow header names the right one), HEAD on an operation (it would run it), or GET /mc/cxf/soap without ?wsdl',
  },
  payload_too_large: {
    status: 413,
    soap: { fault: 'Client', status: 413 },
    operations: 'withBody',
    when: 'the body is over server.bodyLimit',
  },
  unsupported_media_type: {
    status: 415,
    soap: { fault: 'Client', status: 415 },
    operations: 'withBody',
    when: 'a PUT body that is not application/json; a SOAP body that is not text/xml (application/xml is tolerated)',
  },
  version_mismatch: {
    soap: { fault: 'VersionMismatch', status: 500 },
    when: 'a SOAP 1.2 envelope or content type (application/soap+xml), or an envelope in no SOAP namespace',
  },
  must_understand: {
    soap: { fault: 'MustUnderstand', status: 500 },
    when: 'a SOAP header block with mustUnderstand="1" that the bridge does not process (anything but wsse:Security when security.wsSecurity is configured)',
  },
  rate_limited: {
    status: 429,
    soap: { fault: 'Client', status: 429 },
    logAs: 'RATE_LIMITED',
    operations: 'all',
    when: 'the client (who it authenticated as, else its IP) is over security.rateLimit, or its IP or the username it names is over security.authFailures; Retry-After says when to retry',
  },
  internal: {
    status: 500,
    soap: { fault: 'Server', status: 500 },
    operations: 'all',
    when: 'an unexpected error; the message carries only the request id (the log has the details)',
  },
} as const satisfies Record<string, RefusalDef>;

export type RefusalCode = keyof typeof refusals;

/** One entry, read through the common shape. */
export const refusalDef = (code: RefusalCode): RefusalDef => refusals[code];

/** A refusal on its way to the face's error boundary, which answers it in the route's dialect. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly code: RefusalCode,
    message: string,
    /** Headers the answer carries whatever its dialect (Allow, Retry-After, WWW-Authenticate). */
    readonly headers: Readonly<Record<string, string>> = {},
    /** Extra JSON fields of the REST answer. */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export const tooManyRequests = (waitSeconds: number, what = 'Too many requests') =>
  new Refusal('rate_limited', `${what}: retry in ${waitSeconds} s`, { 'Retry-After': String(waitSeconds) }, { retryAfterSeconds: waitSeconds });

/**
 * HEAD on an operation: HEAD means "GET without the body", and a GET operation acts (startSession
 * opens a session), so answering HEAD means running it. Refused rather than answered 200 unrun:
 * a 200 would claim what GET would answer without knowing it.
 */
export const headRefused = (allow: string) => new Refusal('method_not_allowed', `HEAD runs no MCC operation: ask with ${allow}`, { Allow: allow });
