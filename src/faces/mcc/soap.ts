import Router from '@koa/router';
import type { Context } from 'koa';
import type { MccBridge } from '../../bridge/index.js';
import { InvalidRequest } from '../../bridge/index.js';
import { BodyError, readText, type FaceState } from '../http.js';
import type { Credentials } from '../security/credentials.js';
import { readSoapRequest, SoapFault, writeSoapFault, writeSoapResponse } from './soap-envelope.js';
import { baseUrl, SOAP_PATH } from './urls.js';
import { renderWsdl } from './wsdl.js';

export interface SoapFaceOptions {
  bridge: MccBridge;
  targetNamespace: string;
  publicUrl?: string | undefined;
  bodyLimit: number;
  credentials?: Credentials | undefined;
}

const XML = 'text/xml; charset=utf-8';

function sendFault(ctx: Context, fault: SoapFault, status = 500) {
  (ctx.state as FaceState).result = 'FAULT';
  ctx.status = status;
  ctx.type = XML;
  ctx.body = writeSoapFault(fault);
}

function unauthorized(ctx: Context, credentials: Credentials, message: string) {
  (ctx.state as FaceState).failReason = 'UNAUTHENTICATED';
  if (credentials.offersBasic) ctx.set('WWW-Authenticate', 'Basic realm="mcc-bridge"');
  ctx.status = 401;
  ctx.type = 'text/plain';
  ctx.body = message;
}

/** The SOAP 1.1 face: POST envelopes to /mc/cxf/soap, the WSDL at ?wsdl. */
export function soapFace({ bridge, targetNamespace, publicUrl, bodyLimit, credentials }: SoapFaceOptions): Router {
  const router = new Router();
  // The WSDL differs only by its address; keep the few distinct ones rendered.
  const wsdlByAddress = new Map<string, string>();

  router.get(SOAP_PATH, (ctx) => {
    (ctx.state as FaceState).face = 'soap';
    const wantsWsdl = Object.keys(ctx.query).some((k) => k.toLowerCase() === 'wsdl');
    if (wantsWsdl && credentials?.protectsContracts) {
      const verdict = credentials.fromHeaders(ctx.get('authorization') || undefined, ctx.get('x-api-key') || undefined);
      if (!verdict?.ok) return unauthorized(ctx, credentials, verdict?.message ?? 'credentials are required for the WSDL');
    }
    if (!wantsWsdl) {
      ctx.status = ctx.query.xsd !== undefined ? 404 : 405;
      if (ctx.status === 405) ctx.set('Allow', 'POST');
      ctx.type = 'text/plain';
      ctx.body = ctx.status === 404 ? 'The WSDL has no imported schemas.' : 'POST SOAP 1.1 envelopes here; the WSDL is at ?wsdl';
      return;
    }
    const address = `${baseUrl(ctx, publicUrl)}${SOAP_PATH}`;
    let wsdl = wsdlByAddress.get(address);
    if (!wsdl) {
      wsdl = renderWsdl({ targetNamespace, address });
      if (wsdlByAddress.size >= 32) wsdlByAddress.clear();
      wsdlByAddress.set(address, wsdl);
    }
    ctx.type = XML;
    ctx.body = wsdl;
  });

  router.post(SOAP_PATH, async (ctx) => {
    const state = ctx.state as FaceState;
    state.face = 'soap';
    let xml: string;
    try {
      xml = await readText(ctx, bodyLimit);
    } catch (e) {
      if (e instanceof BodyError) return sendFault(ctx, new SoapFault('Client', e.message), e.status === 413 ? 413 : 500);
      throw e;
    }
    const type = ctx.get('content-type');
    if (/application\/soap\+xml/i.test(type)) {
      return sendFault(ctx, new SoapFault('VersionMismatch', 'SOAP 1.2 (application/soap+xml) is not supported here: send SOAP 1.1 as text/xml'));
    }
    // SOAP 1.1 is text/xml; application/xml is tolerated, anything else is not a SOAP message.
    if (type && !/^(text|application)\/xml\b/i.test(type)) {
      return sendFault(ctx, new SoapFault('Client', `SOAP 1.1 messages are text/xml, not ${type.split(';')[0]?.slice(0, 60)}`), 415);
    }
    try {
      const { op, request, usernameToken } = readSoapRequest(xml);
      state.operation = op;
      // Our WSDL declares soapAction="": an action naming another operation is a client mistake.
      const action = ctx.get('soapaction').trim().replace(/^"(.*)"$/, '$1');
      if (action !== '' && action !== op && ![`/${op}`, `#${op}`, `:${op}`].some((end) => action.endsWith(end))) {
        return sendFault(ctx, new SoapFault('Client', `The SOAPAction "${action.slice(0, 80)}" does not match the operation ${op}`));
      }
      if (credentials?.enabled) {
        const headers = credentials.fromHeaders(ctx.get('authorization') || undefined, ctx.get('x-api-key') || undefined);
        const verdict = headers ?? (usernameToken ? credentials.fromUsernameToken(usernameToken) : { ok: false as const, message: 'Credentials are required: HTTP Basic, an API key or a WS-Security UsernameToken' });
        if (!verdict.ok) {
          state.failReason = 'UNAUTHENTICATED';
          if (credentials.offersBasic) ctx.set('WWW-Authenticate', 'Basic realm="mcc-bridge"');
          return sendFault(ctx, new SoapFault('FailedAuthentication', verdict.message));
        }
        state.principal = verdict.principal;
      }
      const result = await bridge.execute(op, request);
      state.result = result.result;
      state.failReason = (result as { failReason?: string }).failReason;
      ctx.type = XML;
      ctx.body = writeSoapResponse(op, result, targetNamespace);
    } catch (e) {
      if (e instanceof SoapFault) return sendFault(ctx, e);
      if (e instanceof InvalidRequest) return sendFault(ctx, new SoapFault('Client', e.message));
      throw e;
    }
  });

  return router;
}
