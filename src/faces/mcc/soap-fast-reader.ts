import { isXmlCodePoint, operationNames, operations, schemaRequest, xmlTextProblem, type OperationName } from '../../contract/index.js';
import { SOAP_RULES, SOAP11_NS, XSI_NS, type SoapCall, type SoapReading } from './soap-names.js';

/**
 * The envelopes real clients send, read in one pass over the text with no document built: an
 * optional XML declaration, soap:Envelope, an optional empty soap:Header, soap:Body holding one
 * operation element of the target namespace whose children are that operation's request fields
 * (qualified or not, any order, repeated, xsi:nil, the five XML entities and character references).
 * Anything else — a DOCTYPE, a comment, CDATA, a processing instruction, another entity, a header
 * block, an attribute other than a namespace declaration or xsi:nil, an unbound or foreign
 * prefix, a CR in a value, an element it does not know, a tag it cannot read — is declined
 * (undefined), and the full reader (soap-envelope.ts), which answers every other case and every
 * fault, reads the message instead. What it does accept it reads exactly as the full reader does
 * (test/soap-fast-reader.test.ts holds the two against each other).
 */

/** Per operation element name: the operation and its request fields (compiled once from the contract). */
const readers: ReadonlyMap<string, { op: OperationName; fields: ReadonlySet<string> }> = new Map(
  operationNames.map((op) => [operations[op].soap, { op, fields: new Set(operations[op].request.map((f) => f.name)) }]),
);

const XML_DECLARATION =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.0\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[Uu][Tt][Ff]-8\2)?[ \t\r\n]*\?>/y;
/** An attribute value with nothing to decode. */
const PLAIN_VALUE = /"([^"<&]*)"|'([^'<&]*)'/y;
const MAX_ATTRIBUTES = 16;
const ENTITIES: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

interface Tag {
  prefix: string;
  local: string;
  /** Where the qualified name as written starts in the message, and its length (for its end tag). */
  at: number;
  length: number;
  selfClosing: boolean;
  /** xsi:nil="true" was given (only fields may say it). */
  nil: boolean;
}

/** A declined message: the full reader will read it. */
class Decline extends Error {}
const DECLINE = new Decline();

/** The cursor and the namespace scopes (pairs of prefix and URI, innermost last). */
class Scan {
  pos = 0;
  readonly scopes: string[] = [];
  constructor(readonly xml: string) {}

  space(): void {
    const { xml } = this;
    let c = xml.charCodeAt(this.pos);
    while (c === 32 || c === 10 || c === 9 || c === 13) c = xml.charCodeAt(++this.pos);
  }

  /** A prefix or local name: ASCII letters, digits, `_ . -`, not starting with a digit, `.` or `-` (anything else is declined, not judged). */
  name(): string {
    const { xml } = this;
    const start = this.pos;
    let c = xml.charCodeAt(start);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) throw DECLINE;
    do c = xml.charCodeAt(++this.pos);
    while ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45);
    return xml.slice(start, this.pos);
  }

  namespaceOf(prefix: string): string | undefined {
    for (let i = this.scopes.length - 2; i >= 0; i -= 2) if (this.scopes[i] === prefix) return this.scopes[i + 1];
    return undefined;
  }

  /** A start tag at `<`; its namespace declarations join the scopes (the caller drops them at its end). */
  startTag(allowNil: boolean): Tag {
    if (this.xml.charCodeAt(this.pos) !== 60 /* < */) throw DECLINE;
    this.pos++;
    const at = this.pos;
    const first = this.name();
    let prefix = '';
    let local = first;
    if (this.xml.charCodeAt(this.pos) === 58 /* : */) {
      this.pos++;
      prefix = first;
      local = this.name();
    }
    if (prefix === 'xml' || prefix === 'xmlns') throw DECLINE;
    const length = this.pos - at;
    const seen: string[] = [];
    let nilPrefix: string | undefined;
    for (;;) {
      const before = this.pos;
      this.space();
      const c = this.xml.charCodeAt(this.pos);
      if (c === 62 /* > */) {
        this.pos++;
        return this.finish(prefix, local, at, length, false, nilPrefix);
      }
      if (c === 47 /* / */) {
        if (this.xml.charCodeAt(this.pos + 1) !== 62) throw DECLINE;
        this.pos += 2;
        return this.finish(prefix, local, at, length, true, nilPrefix);
      }
      if (this.pos === before) throw DECLINE; // attributes are separated by white space
      const attrFirst = this.name();
      let attrLocal: string | undefined;
      if (this.xml.charCodeAt(this.pos) === 58) {
        this.pos++;
        attrLocal = this.name();
      }
      const attr = attrLocal === undefined ? attrFirst : `${attrFirst}:${attrLocal}`;
      // A few declarations per tag at most: the duplicate check stays cheap whatever the body holds.
      if (seen.length >= MAX_ATTRIBUTES || seen.includes(attr)) throw DECLINE;
      seen.push(attr);
      this.space();
      if (this.xml.charCodeAt(this.pos) !== 61 /* = */) throw DECLINE;
      this.pos++;
      this.space();
      PLAIN_VALUE.lastIndex = this.pos;
      const m = PLAIN_VALUE.exec(this.xml);
      if (!m) throw DECLINE;
      this.pos = PLAIN_VALUE.lastIndex;
      const value = m[1] ?? m[2] ?? '';
      if (xmlTextProblem('attribute', value) !== undefined) throw DECLINE;
      if (attrLocal === undefined && attrFirst === 'xmlns') this.scopes.push('', value);
      else if (attrLocal !== undefined && attrFirst === 'xmlns' && value !== '' && attrLocal !== 'xml' && attrLocal !== 'xmlns')
        this.scopes.push(attrLocal, value);
      else if (allowNil && attrLocal === 'nil' && value === 'true' && nilPrefix === undefined) nilPrefix = attrFirst;
      else throw DECLINE;
    }
  }

  private finish(prefix: string, local: string, at: number, length: number, selfClosing: boolean, nilPrefix: string | undefined): Tag {
    // Resolved once the tag's own declarations are in scope, as XML says.
    if (nilPrefix !== undefined && this.namespaceOf(nilPrefix) !== XSI_NS) throw DECLINE;
    return { prefix, local, at, length, selfClosing, nil: nilPrefix !== undefined };
  }

  /** The end tag of `tag`, its name spelled as in the start tag (white space allowed before `>`). */
  endTag(tag: Tag): void {
    const { xml } = this;
    if (xml.charCodeAt(this.pos) !== 60 || xml.charCodeAt(this.pos + 1) !== 47) throw DECLINE;
    this.pos += 2;
    for (let i = 0; i < tag.length; i++) if (xml.charCodeAt(this.pos + i) !== xml.charCodeAt(tag.at + i)) throw DECLINE;
    this.pos += tag.length;
    this.space();
    if (xml.charCodeAt(this.pos) !== 62) throw DECLINE;
    this.pos++;
  }

  /** Character data up to the next `<`, entities and character references decoded. */
  text(): string {
    const { xml } = this;
    const end = xml.indexOf('<', this.pos);
    if (end < 0) throw DECLINE;
    const raw = xml.slice(this.pos, end);
    this.pos = end;
    if (raw.includes('\r')) throw DECLINE; // XML end-of-line handling: left to the full reader
    return raw.includes('&') ? decode(raw) : raw;
  }
}

function decode(raw: string): string {
  let out = '';
  let from = 0;
  for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', from)) {
    const semi = raw.indexOf(';', amp);
    if (semi < 0) throw DECLINE;
    const name = raw.slice(amp + 1, semi);
    let char = ENTITIES.get(name);
    if (char === undefined) {
      const cp = /^#[0-9]{1,7}$/.test(name) ? parseInt(name.slice(1), 10) : /^#x[0-9a-fA-F]{1,6}$/.test(name) ? parseInt(name.slice(2), 16) : NaN;
      if (!isXmlCodePoint(cp)) throw DECLINE;
      char = String.fromCodePoint(cp);
    }
    out += raw.slice(from, amp) + char;
    from = semi + 1;
  }
  return out + raw.slice(from);
}

/** A start tag of the SOAP 1.1 namespace with this local name, or a decline. */
function soapTag(scan: Scan, local: string): Tag {
  const tag = scan.startTag(false);
  if (tag.local !== local || scan.namespaceOf(tag.prefix) !== SOAP11_NS) throw DECLINE;
  return tag;
}

/** The message read, or undefined when it is outside this reader's grammar. */
export function readCommonEnvelope(xml: string, reading: SoapReading): SoapCall | undefined {
  // Every `<!` (DOCTYPE, comment, CDATA) and `<?` but the declaration. A character XML 1.0 cannot
  // carry is declined where it can stand (an attribute value, anything outside a name or a tag's
  // white space); in a value, the schema check refuses it as the full reader does.
  if (xml.includes('<!')) return undefined;
  const scan = new Scan(xml);
  try {
    XML_DECLARATION.lastIndex = 0;
    if (XML_DECLARATION.test(xml)) scan.pos = XML_DECLARATION.lastIndex;
    if (xml.includes('<?', scan.pos)) return undefined;
    scan.space();
    const envelope = soapTag(scan, 'Envelope');
    if (envelope.selfClosing) return undefined;
    scan.space();
    const envelopeScope = scan.scopes.length;
    let body = scan.startTag(false);
    if (body.local === 'Header') {
      // An empty header only: a header block (WS-Security, mustUnderstand) is the full reader's.
      if (scan.namespaceOf(body.prefix) !== SOAP11_NS) return undefined;
      if (!body.selfClosing) {
        scan.space();
        scan.endTag(body);
      }
      scan.scopes.length = envelopeScope;
      scan.space();
      body = scan.startTag(false);
    }
    if (body.local !== 'Body' || body.selfClosing || scan.namespaceOf(body.prefix) !== SOAP11_NS) return undefined;
    scan.space();
    const call = scan.startTag(false);
    const reader = readers.get(call.local);
    if (!reader || scan.namespaceOf(call.prefix) !== reading.targetNamespace) return undefined;
    const values: Record<string, Array<string | undefined>> = {};
    // Each field's first prefix: the full reader groups repeats by their spelling, so a field
    // repeated under two prefixes would come back in another order than the document's.
    const spelled: Record<string, string> = {};
    if (!call.selfClosing) {
      for (;;) {
        scan.space();
        if (xml.charCodeAt(scan.pos + 1) === 47 /* / */) break;
        const scope = scan.scopes.length;
        const field = scan.startTag(true);
        // Unqualified, or qualified in the target namespace; the field of this operation.
        if (!reader.fields.has(field.local) || (field.prefix !== '' && scan.namespaceOf(field.prefix) !== reading.targetNamespace)) return undefined;
        let value: string | undefined;
        if (field.selfClosing) value = field.nil ? undefined : '';
        else {
          const text = scan.text();
          if (field.nil && text !== '') return undefined;
          scan.endTag(field);
          value = field.nil ? undefined : text;
        }
        scan.scopes.length = scope;
        if ((spelled[field.local] ??= field.prefix) !== field.prefix) return undefined;
        (values[field.local] ??= []).push(value);
      }
      scan.endTag(call);
    }
    scan.space();
    scan.endTag(body);
    scan.space();
    scan.endTag(envelope);
    scan.space();
    if (scan.pos !== xml.length) return undefined;
    return { op: reader.op, request: schemaRequest(reader.op, values, SOAP_RULES), usernameToken: undefined };
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}
