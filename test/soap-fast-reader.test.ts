import assert from 'node:assert/strict';
import { DEFAULT_TARGET_NAMESPACE, operationNames, operations } from '../src/contract/index.js';
import { readAnyEnvelope, SOAP11_NS, SOAP12_NS, type SoapReading } from '../src/faces/mcc/soap-envelope.js';
import { readCommonEnvelope } from '../src/faces/mcc/soap-fast-reader.js';
import { prng } from './support/prng.js';

/**
 * The one-pass SOAP reader (faces/mcc/soap-fast-reader.ts) against the full reader, over many
 * generated envelopes: prefixes, namespaces and where they are declared, white space, qualified and
 * unqualified children in any order, repeats, nil, entities and character references, headers
 * (WS-Security, mustUnderstand), comments, CDATA, DTDs and malformed text. For each, the fast reader
 * either declines (undefined) or gives exactly what the full reader gives: the same call, or the
 * same refusal with the same message.
 */

const NS = DEFAULT_TARGET_NAMESPACE;
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const READINGS: SoapReading[] = [
  { targetNamespace: NS, wsSecurity: false },
  { targetNamespace: NS, wsSecurity: true },
];

type Outcome = { call: unknown } | { error: string };
function outcome(read: () => unknown): Outcome {
  try {
    return { call: read() };
  } catch (e) {
    const err = e as Error & { code?: string };
    return { error: `${err.name}/${err.code ?? ''}: ${err.message}` };
  }
}

const VALUES = [
  'bench-session-1',
  '1003',
  ' 1003 ',
  'x1003',
  '99999999999',
  '',
  ' ',
  'CHAT',
  'REQUEST_FROM_AGENT',
  'NOT_A_REASON',
  'a&amp;b',
  '&lt;tag&gt; &quot;q&quot; &apos;a&apos;',
  '&#65;&#x42;&#0067;',
  '&#x1F600; and 😀',
  '&#0;',
  '&#xD800;',
  '&#x110000;',
  '&#xFFFE;',
  '&unknown;',
  '&amp;lt;',
  '& bare',
  'a > b ]]> c',
  'line\nbreak\ttab',
  'cr\r\nlf',
  'lone\rcr',
  'àèìòù 中文',
  '\u0001control',
  '\uFFFEnoncharacter',
  '\uD800lone surrogate',
  '\u0085next line \u2028',
  '<![CDATA[x<y]]>',
  'a<!-- note -->b',
  '<?pi x?>',
  '<inner>x</inner>',
  'x'.repeat(200),
];
const WS = ['', '', '', '', '', ' ', '\n  ', '\r\n\t', '  \n'];
const DECLS = [
  '',
  '<?xml version="1.0" encoding="UTF-8"?>',
  "<?xml version='1.0' encoding='utf-8'?>",
  '<?xml version="1.0"?>',
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
  '<?xml version="1.1"?>',
  ' <?xml version="1.0"?>',
  '<!DOCTYPE x [<!ENTITY e "boom">]>',
  '<!-- a comment -->',
  '<?pi?>',
];

function envelopeFor(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const ws = () => pick(WS);
  const op = pick(operationNames);
  const def = operations[op];
  const envPrefix = pick(['soapenv', 'soap', 'S', 'SOAP-ENV', 'e', '']);
  const envNs = chance(0.9) ? SOAP11_NS : pick([SOAP12_NS, 'urn:other']);
  const opPrefix = pick(['mcc', 'ns2', 'tns', '']);
  const opNs = chance(0.9) ? NS : pick(['urn:other', `${NS}x`]);
  // Where the operation's namespace is declared: the envelope, the body, the element itself, nowhere.
  const opDeclAt = chance(0.95) ? pick(['envelope', 'body', 'call', 'call']) : 'nowhere';
  const xsiAt = chance(0.9) ? pick(['envelope', 'field']) : pick(['nowhere', 'wrong']);
  const q = (prefix: string, local: string) => (prefix ? `${prefix}:${local}` : local);
  const decl = (prefix: string, uri: string) =>
    `${ws() || ' '}${prefix ? `xmlns:${prefix}` : 'xmlns'}${pick(['=', ' = '])}${pick(['"', "'"]) === '"' ? `"${uri}"` : `'${uri}'`}`;
  const opDecl = decl(opPrefix, opNs);
  const envAttrs = `${decl(envPrefix, envNs)}${opDeclAt === 'envelope' ? opDecl : ''}${xsiAt === 'envelope' ? decl('xsi', XSI) : ''}${chance(0.05) ? ` ${q(envPrefix, 'encodingStyle')}="x"` : ''}`;

  const fieldNames = def.request.map((f) => f.name);
  const children: string[] = [];
  const count = Math.floor(random() * (fieldNames.length + 2));
  for (let i = 0; i < count; i++) {
    const name = chance(0.95) ? pick(fieldNames) : pick(['unknownField', 'Envelope', 'sessionid']);
    const prefix = chance(0.8) ? '' : chance(0.7) ? opPrefix : pick(['other', 'xsi']);
    const qname = q(prefix, name);
    const ownDecl = prefix === 'other' ? decl('other', pick([NS, 'urn:other'])) : '';
    if (chance(0.12)) {
      const nilDecl = xsiAt === 'field' ? decl('xsi', XSI) : xsiAt === 'wrong' ? decl('xsi', 'urn:not-xsi') : '';
      const nil = `${nilDecl} xsi:nil="${pick(['true', 'true', 'false', '1'])}"`;
      children.push(chance(0.6) ? `<${qname}${ownDecl}${nil}/>` : `<${qname}${ownDecl}${nil}>${chance(0.5) ? '' : pick(VALUES)}</${qname}>`);
      continue;
    }
    if (chance(0.1)) {
      children.push(`<${qname}${ownDecl}${ws()}/>`);
      continue;
    }
    const value = chance(0.8) ? pick(VALUES.slice(0, 14)) : pick(VALUES);
    const attr = chance(0.04) ? ' id="1"' : chance(0.02) ? ' id="1" id="2"' : '';
    children.push(`<${qname}${ownDecl}${attr}${ws()}>${value}</${qname}${ws()}>`);
  }
  const callName = q(opPrefix, chance(0.95) ? def.soap : pick(['noSuchOperation', 'checksessionstate']));
  const callDecl = opDeclAt === 'call' ? opDecl : '';
  const call =
    children.length === 0 && chance(0.5)
      ? `<${callName}${callDecl}/>`
      : `<${callName}${callDecl}>${children.map((c) => ws() + c).join('')}${ws()}</${callName}>`;
  const header = chance(0.6)
    ? ''
    : pick([
        `<${q(envPrefix, 'Header')}/>`,
        `<${q(envPrefix, 'Header')}>${ws()}</${q(envPrefix, 'Header')}>`,
        `<${q(envPrefix, 'Header')}><wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>u</wsse:Username><wsse:Password>p</wsse:Password></wsse:UsernameToken></wsse:Security></${q(envPrefix, 'Header')}>`,
        `<${q(envPrefix, 'Header')}><x:Block xmlns:x="urn:x" ${q(envPrefix, 'mustUnderstand')}="1"/></${q(envPrefix, 'Header')}>`,
      ]);
  const bodyName = q(envPrefix, 'Body');
  const bodyDecl = opDeclAt === 'body' ? opDecl : '';
  const body = `<${bodyName}${bodyDecl}>${ws()}${call}${ws()}${chance(0.03) ? call : ''}</${bodyName}>`;
  let xml = `${chance(0.8) ? pick(DECLS.slice(0, 4)) : pick(DECLS)}${ws()}<${q(envPrefix, 'Envelope')}${envAttrs}${ws()}>${ws()}${header}${ws()}${body}${ws()}</${q(envPrefix, 'Envelope')}>${ws()}`;
  // Now and then: broken text (truncated, a stray `<`, garbage after the envelope, a comment inside).
  if (chance(0.05)) xml = xml.slice(0, Math.floor(random() * xml.length));
  if (chance(0.03)) xml = xml.replace('</', '< /');
  if (chance(0.03)) xml += '<extra/>';
  if (chance(0.03)) xml = xml.replace('><', '><!-- c --><');
  return xml;
}

describe('the one-pass SOAP reader', () => {
  it('reads the bench envelope and the usual client shapes (it does not decline everything)', () => {
    const reading = READINGS[0] as SoapReading;
    const shapes = [
      `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP11_NS}" xmlns:mcc="${NS}"><soapenv:Body><mcc:checkSessionState><sessionId>s-1</sessionId></mcc:checkSessionState></soapenv:Body></soapenv:Envelope>`,
      // CXF / JAX-WS: the namespace on the operation element, an empty header.
      `<soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Header/><soap:Body><ns2:getServiceState xmlns:ns2="${NS}"><channelId>1003</channelId><serviceCodes>A</serviceCodes><serviceCodes>B</serviceCodes></ns2:getServiceState></soap:Body></soap:Envelope>`,
      // node-soap and .NET: pretty-printed, a default namespace, xsi:nil.
      `<?xml version="1.0" encoding="utf-8"?>\n<S:Envelope xmlns:S="${SOAP11_NS}" xmlns:xsi="${XSI}">\n  <S:Body>\n    <startSession xmlns="${NS}">\n      <channelId>1003</channelId>\n      <serviceid>CHAT</serviceid>\n      <data xsi:nil="true"/>\n    </startSession>\n  </S:Body>\n</S:Envelope>\n`,
    ];
    for (const xml of shapes) {
      const fast = readCommonEnvelope(xml, reading);
      assert.ok(fast, `declined: ${xml}`);
      assert.deepEqual(fast, readAnyEnvelope(xml, reading));
    }
    assert.deepEqual(readCommonEnvelope(shapes[0] as string, reading)?.request, { sessionId: 's-1' });
  });

  it('gives what the full reader gives, or declines, for thousands of generated envelopes', () => {
    const random = prng(2026);
    let accepted = 0;
    let refused = 0;
    const total = 6000;
    for (let i = 0; i < total; i++) {
      const xml = envelopeFor(random);
      for (const reading of READINGS) {
        const fast = outcome(() => readCommonEnvelope(xml, reading));
        if ('call' in fast && fast.call === undefined) continue;
        accepted++;
        if ('error' in fast) refused++;
        assert.deepEqual(
          fast,
          outcome(() => readAnyEnvelope(xml, reading)),
          `for ${JSON.stringify(xml)}`,
        );
      }
    }
    // The generator must reach both sides: envelopes the fast reader reads, and ones it refuses (schema).
    assert.ok(accepted > total / 4, `only ${accepted} of ${2 * total} read by the fast reader`);
    assert.ok(refused > 20, `only ${refused} refusals from the fast reader`);
  });

  it('declines every construct outside its grammar', () => {
    const reading = READINGS[0] as SoapReading;
    const wrap = (inner: string, head = '') =>
      `${head}<s:Envelope xmlns:s="${SOAP11_NS}" xmlns:m="${NS}"><s:Body><m:checkSessionState>${inner}</m:checkSessionState></s:Body></s:Envelope>`;
    const outside = [
      wrap('<sessionId>a</sessionId>', '<!DOCTYPE s:Envelope>'),
      wrap('<sessionId>a<!-- c --></sessionId>'),
      wrap('<sessionId><![CDATA[a]]></sessionId>'),
      wrap('<sessionId>a</sessionId>', '<?xml-stylesheet href="x"?>'),
      wrap('<sessionId>&nbsp;</sessionId>'),
      wrap('<sessionId>&#1;</sessionId>'),
      wrap('<sessionId id="x">a</sessionId>'),
      wrap('<x:sessionId>a</x:sessionId>'),
      wrap('<sessionId>a\rb</sessionId>'),
      wrap('<sessionId><b>a</b></sessionId>'),
      wrap('<other>a</other>'),
      wrap(`<sessionId ${Array.from({ length: 17 }, (_, i) => `xmlns:p${i}="urn:p${i}"`).join(' ')}>a</sessionId>`),
      `<s:Envelope xmlns:s="${SOAP11_NS}"><s:Header><h xmlns="urn:h"/></s:Header><s:Body/></s:Envelope>`,
    ];
    for (const xml of outside) assert.equal(readCommonEnvelope(xml, reading), undefined, xml);
  });
});
