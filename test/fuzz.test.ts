import assert from 'node:assert/strict';
import { DEFAULT_TARGET_NAMESPACE } from '../src/contract/index.js';
import { startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * A few thousand mutated SOAP envelopes and JSON bodies: the bridge never crashes, answers every
 * one (200 with a result, a 4xx, or HTTP 500 carrying a SOAP Fault, which is how SOAP 1.1 answers
 * a bad request), and its heap is back to its starting level afterwards. The mutations come from
 * a seeded generator, so a failure can be replayed.
 */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:mcc="${DEFAULT_TARGET_NAMESPACE}"><soapenv:Header/><soapenv:Body><mcc:startSession><channelId>1003</channelId><serviceid>CHAT</serviceid><data>a &amp; b</data></mcc:startSession></soapenv:Body></soapenv:Envelope>`,
  `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:mcc="${DEFAULT_TARGET_NAMESPACE}"><soapenv:Body><mcc:getServiceState><channelId>1003</channelId><serviceCodes>CHAT</serviceCodes><serviceCodes>SALES</serviceCodes></mcc:getServiceState></soapenv:Body></soapenv:Envelope>`,
  `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:mcc="${DEFAULT_TARGET_NAMESPACE}"><soapenv:Body><mcc:closeSession><sessionId>x</sessionId><reason>REQUEST_FROM_CALLER</reason></mcc:closeSession></soapenv:Body></soapenv:Envelope>`,
];
const JSON_SEEDS = ['{"sessionId":"x","sessionData":"hello"}', '{"sessionId":"fuzz","sessionData":"","extra":[1,2,{"a":null}]}'];
const PIECES = [
  '<',
  '>',
  '&',
  '&amp;',
  '&#x0;',
  '&#1114112;',
  ']]>',
  '<![CDATA[',
  '<!DOCTYPE a>',
  '<?pi?>',
  '"',
  "'",
  '\u0000',
  '\uFFFF',
  '\uD800',
  'xmlns:x="y"',
  '</soapenv:Body>',
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  'null',
  '1e309',
  '-0',
  '\\u0000',
  '"__proto__"',
];

function mutate(seed: string, r: () => number): string {
  let s = seed;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (s.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0: // flip a character
        s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x2fff)) + s.slice(at + 1);
        break;
      case 1: // cut a range
        s = s.slice(0, at) + s.slice(at + Math.floor(r() * 40));
        break;
      case 2: // repeat a range
        s = s.slice(0, at) + s.slice(at, at + Math.floor(r() * 60)).repeat(1 + Math.floor(r() * 20)) + s.slice(at);
        break;
      case 3: // insert a troublemaker
        s = s.slice(0, at) + PIECES[Math.floor(r() * PIECES.length)] + s.slice(at);
        break;
      case 4: // truncate
        s = s.slice(0, at);
        break;
      default: // swap two halves
        s = s.slice(at) + s.slice(0, at);
    }
  }
  return s;
}

describe('fuzzing the faces', function () {
  this.timeout(300_000);
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge();
  });
  after(() => b.close());

  const heap = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage().heapUsed;
  };

  it('answers 3,000 mutated SOAP envelopes and JSON bodies without a crash, an undocumented 5xx or a leak', async () => {
    const r = rng(20261123);
    const warm = async () => {
      for (let i = 0; i < 50; i++) await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=warm`).then((x) => x.arrayBuffer());
    };
    await warm();
    const start = heap();
    const seen = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      const soap = i % 3 !== 2;
      const body = soap ? mutate(SEEDS[i % SEEDS.length] as string, r) : mutate(JSON_SEEDS[i % JSON_SEEDS.length] as string, r);
      const res = await fetch(soap ? `${b.url}/mc/cxf/soap` : `${b.url}/mc/cxf/rest/json/setSessionData`, {
        method: soap ? 'POST' : 'PUT',
        headers: { 'content-type': soap ? 'text/xml; charset=utf-8' : 'application/json' },
        body,
      });
      const text = await res.text();
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      const fine =
        res.status === 200 ||
        (res.status >= 400 && res.status < 500) ||
        (soap && res.status === 500 && /<soap:Fault><faultcode>soap:(Client|VersionMismatch)</.test(text));
      assert.ok(fine, `case ${i}: ${res.status} for ${JSON.stringify(body).slice(0, 200)}: ${text.slice(0, 200)}`);
    }
    assert.ok((seen.get(200) ?? 0) > 0 && (seen.get(500) ?? 0) > 0 && (seen.get(400) ?? 0) > 0, JSON.stringify([...seen]));
    await warm();
    const end = heap();
    assert.ok(end - start < 16 * 1024 * 1024, `heap grew by ${((end - start) / 1048576).toFixed(1)} MiB`);
    assert.equal((await fetch(`${b.url}/healthz`)).status, 200);
  });
});
