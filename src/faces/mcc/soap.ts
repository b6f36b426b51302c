import type { Middleware } from 'koa';
import type { MccBridge } from '../../bridge/index.js';
import { readText } from '../http.js';
import type { Credentials } from '../security/credentials.js';
import { soapDialect, wsdlDialect } from './dialects.js';
import { Refusal } from './refusals.js';
import type { MccRoute, MccState } from './route.js';
import { readSoapRequest, soapResponseWriter, type SoapReading } from './soap-envelope.js';
import { baseUrl, SOAP_PATH } from './urls.js';
import { renderWsdl } from './wsdl.js';

export interface SoapFaceOptions {
  bridge: MccBridge;
  targetNamespace: string;
  credentials: Credentials;
  publicUrl?: string | undefined;
  bodyLimit: number;
}

const XML = 'text/xml; charset=utf-8';
const SOAP12_TYPE = /application\/soap\+xml/i;
const XML_TYPE = /^(text|application)\/xml\b/i;
/** A SOAPAction without its quotes (a regex replace with a `$1` pattern cost a tenth of a request). */
const unquoted = (action: string) => (action.length >= 2 && action.startsWith('"') && action.endsWith('"') ? action.slice(1, -1) : action);

/** Read the envelope (body, content type, XML, SOAPAction) into `state.soapCall`. */
function readEnvelope(bodyLimit: number, reading: SoapReading): Middleware<MccState> {
  return async function readEnvelope(ctx, next) {
    const xml = await readText(ctx, bodyLimit);
    const type = ctx.get('content-type');
    if (SOAP12_TYPE.test(type)) {
      throw new Refusal('version_mismatch', 'SOAP 1.2 (application/soap+xml) is not supported here: send SOAP 1.1 as text/xml');
    }
    // SOAP 1.1 is text/xml; application/xml is tolerated, anything else is not a SOAP message.
    if (type && !XML_TYPE.test(type)) {
      throw new Refusal('unsupported_media_type', `SOAP 1.1 messages are text/xml, not ${type.split(';')[0]?.slice(0, 60)}`);
    }
    const call = readSoapRequest(xml, reading);
    ctx.state.operation = call.op;
    // Our WSDL declares soapAction="": an action naming another operation is a client mistake.
    const action = unquoted(ctx.get('soapaction').trim());
    if (action !== '' && action !== call.op && ![`/${call.op}`, `#${call.op}`, `:${call.op}`].some((end) => action.endsWith(end))) {
      throw new Refusal('bad_request', `The SOAPAction "${action.slice(0, 80)}" does not match the operation ${call.op}`);
    }
    ctx.state.soapCall = call;
    return next();
  };
}

/** The SOAP 1.1 face: POST envelopes to /mc/cxf/soap, the WSDL at ?wsdl. */
export function soapRoutes({ bridge, targetNamespace, credentials, publicUrl, bodyLimit }: SoapFaceOptions): MccRoute[] {
  // The WSDL differs only by its address; keep the few distinct ones rendered.
  const wsdlByAddress = new Map<string, string>();
  const wsdlFor = (address: string) => {
    let wsdl = wsdlByAddress.get(address);
    if (!wsdl) {
      wsdl = renderWsdl({ targetNamespace, address });
      if (wsdlByAddress.size >= 32) wsdlByAddress.clear();
      wsdlByAddress.set(address, wsdl);
    }
    return wsdl;
  };
  const writeSoapResponse = soapResponseWriter(targetNamespace);

  return [
    {
      methods: ['GET'],
      path: SOAP_PATH,
      face: 'soap',
      dialect: wsdlDialect,
      credentials: 'contracts',
      missing: 'credentials are required for the WSDL',
      handle(ctx) {
        if (!Object.keys(ctx.query).some((k) => k.toLowerCase() === 'wsdl')) {
          if (ctx.query.xsd !== undefined) throw new Refusal('not_found', 'The WSDL has no imported schemas.');
          throw new Refusal('method_not_allowed', 'POST SOAP 1.1 envelopes here; the WSDL is at ?wsdl', { Allow: 'POST' });
        }
        ctx.type = XML;
        ctx.body = wsdlFor(`${baseUrl(ctx, publicUrl)}${SOAP_PATH}`);
      },
    },
    {
      methods: ['POST'],
      path: SOAP_PATH,
      face: 'soap',
      dialect: soapDialect,
      credentials: 'calls',
      missing: 'Credentials are required: HTTP Basic, an API key or a WS-Security UsernameToken',
      read: readEnvelope(bodyLimit, { targetNamespace, wsSecurity: credentials.acceptsUsernameTokens }),
      token: (state) => state.soapCall?.usernameToken,
      async handle(ctx) {
        // readEnvelope (this route's `read`) ran before and set it.
        const { op, request } = ctx.state.soapCall as NonNullable<MccState['soapCall']>;
        const result = await bridge.execute(op, request);
        ctx.state.result = result.result;
        ctx.state.failReason = (result as { failReason?: string }).failReason;
        ctx.type = XML;
        ctx.body = writeSoapResponse(op, result);
      },
    },
  ];
}
