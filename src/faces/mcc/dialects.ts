import type { ParameterizedContext } from 'koa';
import type { FaceState } from '../http.js';
import { refusalDef, refusals, type Refusal } from './refusals.js';
import { writeSoapFault } from './soap-envelope.js';

/**
 * How a route of the MCC face says a refusal from the catalog: each dialect writes every refusal
 * (the 401 included) in one place. The route that matched picks its dialect.
 */
export type Dialect = (ctx: ParameterizedContext<FaceState>, refusal: Refusal) => void;

const XML = 'text/xml; charset=utf-8';

function begin(ctx: ParameterizedContext<FaceState>, refusal: Refusal, status: number) {
  const { logAs } = refusalDef(refusal.code);
  if (logAs) ctx.state.failReason = logAs;
  for (const [name, value] of Object.entries(refusal.headers)) ctx.set(name, value);
  ctx.status = status;
}

/** REST/JSON: `{error, message}` with the catalog's status. */
export const jsonDialect: Dialect = (ctx, refusal) => {
  begin(ctx, refusal, refusalDef(refusal.code).status ?? 400);
  ctx.body = { error: refusal.code, message: refusal.message, ...refusal.extra };
};

/** The SOAP endpoint: a SOAP 1.1 Fault with the catalog's fault code and HTTP status. */
export const soapDialect: Dialect = (ctx, refusal) => {
  const soap = refusalDef(refusal.code).soap ?? refusals.bad_request.soap;
  begin(ctx, refusal, soap.status);
  ctx.state.result = 'FAULT';
  ctx.type = XML;
  ctx.body = writeSoapFault(soap.fault, refusal.message);
};

/** Plain text with the catalog's status. */
const plainDialect: Dialect = (ctx, refusal) => {
  begin(ctx, refusal, refusalDef(refusal.code).status ?? 400);
  ctx.type = 'text/plain';
  ctx.body = refusal.message;
};

/**
 * GET on the SOAP endpoint (the WSDL): plain text, as it always answered, except the rate limit
 * (JSON) and an unexpected error (a Fault) — kept as they were when this face was renovated.
 */
export const wsdlDialect: Dialect = (ctx, refusal) => {
  if (refusal.code === 'rate_limited') return jsonDialect(ctx, refusal);
  if (refusal.code === 'internal') return soapDialect(ctx, refusal);
  plainDialect(ctx, refusal);
};
