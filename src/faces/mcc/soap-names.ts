import type { OperationName, RawRequest, WireRules } from '../../contract/index.js';
import type { UsernameToken } from '../security/credentials.js';

/** The namespaces and schema rules both SOAP readers (soap-envelope.ts, soap-fast-reader.ts) share. */
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

/** SOAP validates against its XSD: a non-xs:int or a repeated single element breaks it. */
export const SOAP_RULES: WireRules = { ints: 'refuse', repeats: 'refuse', name: (field) => `element ${field}` };

/** What the reader needs to know of this server. */
export interface SoapReading {
  /** The WSDL's targetNamespace: the operation element must be in it. */
  readonly targetNamespace: string;
  /** WS-Security is configured: a wsse:Security header is processed, so it may say mustUnderstand. */
  readonly wsSecurity: boolean;
}

export interface SoapCall {
  op: OperationName;
  request: RawRequest<OperationName>;
  /** The WS-Security UsernameToken of the soap:Header, when there is one. */
  usernameToken?: UsernameToken | undefined;
}
