import { EntityDecoder } from '@nodable/entities';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { enums, isEnumValue, operations, type OperationName, type RawRequest, type Result } from '../../contract/index.js';
import { parseInt32 } from '../../bridge/validate.js';
import type { UsernameToken } from '../security/credentials.js';

/**
 * Reading and writing SOAP 1.1 envelopes for the MCC operations, with fast-xml-parser. The reader
 * is tolerant where CXF clients differ (prefixes, qualified or unqualified children, any order)
 * and strict where safety needs it (no DTD, well-formed XML only, SOAP 1.1 envelope only).
 */

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** What the client did wrong (soap:Client) or what broke here (soap:Server); HTTP 500 either way, as SOAP 1.1 says. */
export class SoapFault extends Error {
  constructor(
    readonly code: 'Client' | 'Server' | 'VersionMismatch' | 'FailedAuthentication',
    message: string,
  ) {
    super(message);
    this.name = 'SoapFault';
  }
}

export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Only the five XML entities and character references (DTDs are refused before parsing). One
  // decoder serves every document (the parser resets it per document); building one per parse
  // cost a fifth of a request.
  processEntities: true,
  entityDecoder: new EntityDecoder({ numericAllowed: true }),
  ignoreDeclaration: true,
  ignorePiTags: true,
  // No path strings per tag: nothing here reads them, and building them cost a fifth of a parse.
  jPath: false,
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
});

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);
const prefixOf = (qname: string) => (qname.includes(':') ? qname.slice(0, qname.indexOf(':')) : '');
const isElementKey = (k: string) => !k.startsWith('@_') && k !== '#text' && !k.startsWith('?');

/** The namespace a prefix is bound to, looking through the element's own declarations and its ancestors'. */
function namespaceOf(prefix: string, scopes: Node[]): string | undefined {
  const attr = prefix ? `@_xmlns:${prefix}` : '@_xmlns';
  for (let i = scopes.length - 1; i >= 0; i--) {
    const v = scopes[i]?.[attr];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

function childElements(node: Node): Array<[string, Node | string]> {
  const out: Array<[string, Node | string]> = [];
  for (const [k, v] of Object.entries(node)) {
    if (!isElementKey(k)) continue;
    for (const item of v as Array<Node | string>) out.push([k, item]);
  }
  return out;
}

/** Text content of a leaf element; undefined for xsi:nil; a fault if it has element children. */
function leafText(name: string, value: Node | string, scopes: Node[]): string | undefined {
  if (typeof value === 'string') return value;
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('@_') && localName(k.slice(2)) === 'nil' && v === 'true' && namespaceOf(prefixOf(k.slice(2)), [...scopes, value]) === XSI_NS) {
      return undefined;
    }
  }
  if (childElements(value).length > 0) throw new SoapFault('Client', `element ${name} must hold text, not elements`);
  const text = value['#text'];
  return typeof text === 'string' ? text : '';
}

export interface SoapCall {
  op: OperationName;
  request: RawRequest<OperationName>;
  /** The WS-Security UsernameToken of the soap:Header, when there is one. */
  usernameToken?: UsernameToken | undefined;
}

/** soap:Header/wsse:Security/wsse:UsernameToken, read by local names (prefixes vary by toolkit). */
function usernameTokenOf(header: Node | string | undefined, scopes: Node[]): UsernameToken | undefined {
  if (typeof header !== 'object') return undefined;
  const security = childElements(header).find(([k]) => localName(k) === 'Security')?.[1];
  if (typeof security !== 'object') return undefined;
  const token = childElements(security).find(([k]) => localName(k) === 'UsernameToken')?.[1];
  if (typeof token !== 'object') return undefined;
  const inner = [...scopes, header, security, token];
  const text = (name: string) => {
    const found = childElements(token).find(([k]) => localName(k) === name);
    return found ? leafText(name, found[1], inner) : undefined;
  };
  const passwordNode = childElements(token).find(([k]) => localName(k) === 'Password')?.[1];
  const type = typeof passwordNode === 'object' ? String(passwordNode['@_Type'] ?? '') : '';
  return {
    username: text('Username') ?? '',
    password: text('Password') ?? '',
    passwordType: type.endsWith('#PasswordDigest') ? 'PasswordDigest' : 'PasswordText',
    nonce: text('Nonce'),
    created: text('Created'),
  };
}

/** Read a SOAP 1.1 request into an operation name and its raw request fields, or throw a SoapFault. */
export function readSoapRequest(xml: string): SoapCall {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SoapFault('Client', 'DTDs and entity declarations are not allowed in SOAP messages');
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (e) {
    throw new SoapFault('Client', `Malformed XML: ${(e as Error).message}`);
  }
  const roots = childElements(doc);
  const [rootName, root] = roots[0] ?? [];
  if (roots.length !== 1 || !rootName || typeof root !== 'object' || localName(rootName) !== 'Envelope') {
    throw new SoapFault('Client', 'Not a SOAP envelope: the document element must be soap:Envelope');
  }
  const envNs = namespaceOf(prefixOf(rootName), [root]);
  if (envNs === SOAP12_NS) throw new SoapFault('VersionMismatch', 'SOAP 1.2 is not supported here: send a SOAP 1.1 envelope (text/xml)');
  if (envNs !== SOAP11_NS) throw new SoapFault('VersionMismatch', `Not a SOAP 1.1 envelope: namespace must be ${SOAP11_NS}`);

  const headers = childElements(root).filter(([k]) => localName(k) === 'Header');
  const bodies = childElements(root).filter(([k]) => localName(k) === 'Body');
  if (bodies.length !== 1) throw new SoapFault('Client', 'The envelope must contain exactly one soap:Body');
  // An element with only text (or nothing) comes back as a string.
  const body = typeof bodies[0]?.[1] === 'object' ? bodies[0][1] : {};
  const calls = childElements(body);
  const [callName, call] = calls[0] ?? [];
  if (calls.length !== 1 || !callName) throw new SoapFault('Client', 'The soap:Body must contain exactly one operation element');
  const op = localName(callName);
  if (!Object.hasOwn(operations, op)) throw new SoapFault('Client', `Unknown operation: ${op.slice(0, 64)}`);
  const def = operations[op as OperationName];
  const scopes = [root, body, ...(typeof call === 'object' ? [call] : [])];

  const request: Record<string, string | string[]> = {};
  const children = typeof call === 'object' ? childElements(call) : [];
  for (const field of def.request) {
    const values = children.filter(([k]) => localName(k) === field.name).map(([k, v]) => leafText(localName(k), v, scopes));
    const present = values.filter((v): v is string => v !== undefined);
    if ('repeated' in field && field.repeated) {
      if (values.length > 0) request[field.name] = present;
      continue;
    }
    if (values.length > 1) throw new SoapFault('Client', `element ${field.name} may appear only once`);
    const value = present[0];
    if (value === undefined) continue;
    // Schema types: a non-empty xs:int must be one; an enum value must be in its enumeration.
    if (field.type === 'int' && value.trim() !== '' && parseInt32(value) === undefined) {
      throw new SoapFault('Client', `element ${field.name} must be an xs:int, got "${value.slice(0, 40)}"`);
    }
    if (typeof field.type === 'object' && value.trim() !== '' && !isEnumValue(field.type.enum, value.trim())) {
      throw new SoapFault('Client', `element ${field.name} must be one of ${enums[field.type.enum].join(', ')}, got "${value.slice(0, 40)}"`);
    }
    request[field.name] = value;
  }
  return { op: op as OperationName, request: request as RawRequest<OperationName>, usernameToken: usernameTokenOf(headers[0]?.[1], [root]) };
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: true,
  suppressEmptyNode: false,
  format: false,
});

/** `<soap:Envelope>` around `{op}Response/return`, fields in the order of the result type (JAXB propOrder). */
export function writeSoapResponse<Op extends OperationName>(op: Op, result: Result<Op>, targetNamespace: string): string {
  const ret: Record<string, unknown> = {};
  const values = result as Record<string, unknown>;
  for (const field of operations[op].result.fields) {
    const v = values[field.name];
    if (v === undefined) continue;
    ret[field.name] =
      field.type === 'serviceStateMap'
        ? { entry: Object.entries(v as Record<string, string>).map(([key, value]) => ({ key, value })) }
        : String(v);
  }
  return envelope({ [`ns2:${operations[op].soap}Response`]: { '@_xmlns:ns2': targetNamespace, return: ret } });
}

export function writeSoapFault(fault: SoapFault): string {
  // WS-Security failures have their own fault code (WSS 1.1 §12).
  const faultcode = fault.code === 'FailedAuthentication' ? { '#text': 'wsse:FailedAuthentication', '@_xmlns:wsse': WSSE_NS } : `soap:${fault.code}`;
  return envelope({ 'soap:Fault': { faultcode, faultstring: fault.message } });
}

function envelope(body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ 'soap:Envelope': { '@_xmlns:soap': SOAP11_NS, 'soap:Body': body } })}`;
}
