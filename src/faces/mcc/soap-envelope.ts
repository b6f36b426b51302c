import { EntityDecoder } from '@nodable/entities';
import { XMLParser } from 'fast-xml-parser';
import {
  codePointName,
  isXmlCodePoint,
  operationNames,
  operations,
  schemaRequest,
  soapReturn,
  xmlSafe,
  xmlText,
  type OperationName,
  type Result,
} from '../../contract/index.js';
import type { UsernameToken } from '../security/credentials.js';
import { Refusal, type FaultCode } from './refusals.js';
import { readCommonEnvelope } from './soap-fast-reader.js';
import { SOAP_RULES, SOAP11_NS, SOAP12_NS, WSSE_NS, XSI_NS, type SoapCall, type SoapReading } from './soap-names.js';

export { SOAP11_NS, SOAP12_NS, WSSE_NS, type SoapCall, type SoapReading } from './soap-names.js';

/**
 * Reading and writing SOAP 1.1 envelopes for the MCC operations, with fast-xml-parser. The reader
 * is tolerant where CXF clients differ (prefixes, qualified or unqualified children, any order)
 * and strict where safety needs it (no DTD, well-formed XML only, SOAP 1.1 envelope only).
 */

const clientFault = (message: string) => new Refusal('bad_request', message);

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
  if (childElements(value).length > 0) throw clientFault(`element ${name} must hold text, not elements`);
  const text = value['#text'];
  return typeof text === 'string' ? text : '';
}

const CHARACTER_REFERENCE = /&#(x[0-9a-fA-F]+|[0-9]+);/g;

/**
 * A character reference to what is not an XML 1.0 character (`&#1;`) is not well-formed XML, yet
 * the entity decoder drops it silently; refuse it, naming the element it is in. Comments and
 * CDATA hold no references, so they are left out of the search.
 */
function refuseNonXmlReferences(xml: string): void {
  if (!xml.includes('&#')) return;
  const markup = xml.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  for (const ref of markup.matchAll(CHARACTER_REFERENCE)) {
    const digits = ref[1] as string;
    const cp = digits.startsWith('x') ? parseInt(digits.slice(1), 16) : parseInt(digits, 10);
    if (isXmlCodePoint(cp)) continue;
    const element = /<([^\s/>!?]+)[^<]*$/.exec(markup.slice(0, ref.index))?.[1];
    const where = element ? `element ${localName(element)}` : 'the message';
    throw clientFault(
      `${where} holds the character reference ${ref[0].slice(0, 16)} (${cp > 0x10ffff ? 'beyond Unicode' : codePointName(cp)}), which is not an XML 1.0 character`,
    );
  }
}

/** A true `mustUnderstand` attribute of the SOAP 1.1 namespace on a header block. */
function mustUnderstand(block: Node | string, scopes: Node[]): boolean {
  if (typeof block !== 'object') return false;
  return Object.entries(block).some(
    ([k, v]) =>
      k.startsWith('@_') &&
      localName(k.slice(2)) === 'mustUnderstand' &&
      (v === '1' || v === 'true') &&
      namespaceOf(prefixOf(k.slice(2)), [...scopes, block]) === SOAP11_NS,
  );
}

/** SOAP 1.1 §4.2.3: a mandatory header block this server does not process ends the call with a MustUnderstand Fault. */
function refuseNotUnderstood(header: Node | string | undefined, scopes: Node[], { wsSecurity }: SoapReading): void {
  if (typeof header !== 'object') return;
  for (const [name, block] of childElements(header)) {
    if (!mustUnderstand(block, [...scopes, header])) continue;
    const ns = namespaceOf(prefixOf(name), [...scopes, header, ...(typeof block === 'object' ? [block] : [])]);
    if (wsSecurity && localName(name) === 'Security' && ns === WSSE_NS) continue;
    throw new Refusal(
      'must_understand',
      `The header block ${localName(name).slice(0, 64)}${ns ? ` (${ns.slice(0, 120)})` : ''} has mustUnderstand="1" and is not processed here`,
    );
  }
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
  const type = typeof passwordNode === 'object' ? String((passwordNode['@_Type'] as string | undefined) ?? '') : '';
  return {
    username: text('Username') ?? '',
    password: text('Password') ?? '',
    passwordType: type.endsWith('#PasswordDigest') ? 'PasswordDigest' : 'PasswordText',
    nonce: text('Nonce'),
    created: text('Created'),
  };
}

/**
 * Read a SOAP 1.1 request into an operation name and its schema-checked fields, or throw the
 * Refusal its Fault says. The envelopes real clients send take the one-pass reader compiled from
 * the contract; it declines whatever is outside its small grammar, which the full reader then reads.
 */
export function readSoapRequest(xml: string, reading: SoapReading): SoapCall {
  return readCommonEnvelope(xml, reading) ?? readAnyEnvelope(xml, reading);
}

/** The full reader: any well-formed envelope, with fast-xml-parser. */
export function readAnyEnvelope(xml: string, reading: SoapReading): SoapCall {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw clientFault('DTDs and entity declarations are not allowed in SOAP messages');
  refuseNonXmlReferences(xml);
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (e) {
    throw clientFault(`Malformed XML: ${(e as Error).message}`);
  }
  const roots = childElements(doc);
  const [rootName, root] = roots[0] ?? [];
  if (roots.length !== 1 || !rootName || typeof root !== 'object' || localName(rootName) !== 'Envelope') {
    throw clientFault('Not a SOAP envelope: the document element must be soap:Envelope');
  }
  const envNs = namespaceOf(prefixOf(rootName), [root]);
  if (envNs === SOAP12_NS) throw new Refusal('version_mismatch', 'SOAP 1.2 is not supported here: send a SOAP 1.1 envelope (text/xml)');
  if (envNs !== SOAP11_NS) throw new Refusal('version_mismatch', `Not a SOAP 1.1 envelope: namespace must be ${SOAP11_NS}`);

  const headers = childElements(root).filter(([k]) => localName(k) === 'Header');
  const bodies = childElements(root).filter(([k]) => localName(k) === 'Body');
  if (bodies.length !== 1) throw clientFault('The envelope must contain exactly one soap:Body');
  refuseNotUnderstood(headers[0]?.[1], [root], reading);
  // An element with only text (or nothing) comes back as a string.
  const body = typeof bodies[0]?.[1] === 'object' ? bodies[0][1] : {};
  const calls = childElements(body);
  const [callName, call] = calls[0] ?? [];
  if (calls.length !== 1 || !callName) throw clientFault('The soap:Body must contain exactly one operation element');
  const op = localName(callName);
  if (!Object.hasOwn(operations, op)) throw clientFault(`Unknown operation: ${op.slice(0, 64)}`);
  const def = operations[op as OperationName];
  const scopes = [root, body, ...(typeof call === 'object' ? [call] : [])];
  // Children may come qualified or not, in any namespace; the operation element names the service.
  const opNs = namespaceOf(prefixOf(callName), scopes);
  if (opNs !== reading.targetNamespace) {
    throw clientFault(
      `The operation element ${op} must be in the namespace ${reading.targetNamespace}, not ${opNs === undefined ? 'none' : opNs.slice(0, 120)}`,
    );
  }

  const children = typeof call === 'object' ? childElements(call) : [];
  const values: Record<string, Array<string | undefined>> = {};
  for (const field of def.request) {
    const given = children.filter(([k]) => localName(k) === field.name).map(([k, v]) => leafText(localName(k), v, scopes));
    if (given.length > 0) values[field.name] = given;
  }
  const request = schemaRequest(op as OperationName, values, SOAP_RULES);
  return { op: op as OperationName, request, usernameToken: usernameTokenOf(headers[0]?.[1], [root]) };
}

const ENVELOPE_HEAD = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Body>`;
const ENVELOPE_TAIL = '</soap:Body></soap:Envelope>';

/**
 * `<soap:Envelope>` around `{op}Response/return`, fields in the order of the result type (JAXB
 * propOrder): the text around the fields is fixed per operation and namespace, written once.
 */
export function soapResponseWriter(targetNamespace: string): <Op extends OperationName>(op: Op, result: Result<Op>) => string {
  const frames = Object.fromEntries(
    operationNames.map((op) => {
      const element = `ns2:${operations[op].soap}Response`;
      return [op, [`${ENVELOPE_HEAD}<${element} xmlns:ns2="${xmlText(targetNamespace)}"><return>`, `</return></${element}>${ENVELOPE_TAIL}`]];
    }),
  ) as Record<OperationName, [string, string]>;
  return (op, result) => {
    const [head, tail] = frames[op];
    return head + soapReturn(op, result) + tail;
  };
}

export function writeSoapFault(code: FaultCode, message: string): string {
  // WS-Security failures have their own fault code (WSS 1.1 §12).
  const faultcode =
    code === 'FailedAuthentication' ? `<faultcode xmlns:wsse="${WSSE_NS}">wsse:FailedAuthentication</faultcode>` : `<faultcode>soap:${code}</faultcode>`;
  // A message may quote what the client sent; it must stay readable XML whatever that was.
  return `${ENVELOPE_HEAD}<soap:Fault>${faultcode}<faultstring>${xmlText(xmlSafe(message))}</faultstring></soap:Fault>${ENVELOPE_TAIL}`;
}
