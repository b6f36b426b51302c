import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { envelope, postSoap, startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * The hostile-input corpus of issue #6: each refused with the right answer, quickly, nothing
 * changed, no secret or stack trace in the reply, memory flat.
 */
const KEY = 'hostile-corpus-api-key-0123';

describe('hostile input corpus', function () {
  this.timeout(60_000);
  let b: TestBridge;
  let leaks = 0;
  let trap: ReturnType<typeof createServer>;
  let trapUrl: string;
  before(async () => {
    b = await startTestBridge({ security: { apiKeys: [{ name: 'test', key: KEY }] } });
    // A server the XXE network entity points at: it must never be called.
    trap = createServer((_req, res) => {
      leaks++;
      res.end('leaked');
    }).listen(0, '127.0.0.1');
    await new Promise((r) => trap.once('listening', r));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/leak`;
  });
  after(async () => {
    trap.close();
    await b.close();
  });

  const sessions = async () => {
    const c = await b.engine.counts();
    return Object.values(c.sessions).reduce((x, y) => x + y, 0);
  };
  const start = (extra: string) =>
    `<mcc:startSession><channelId>1003</channelId><serviceid>CHAT</serviceid><sessionId>hostile</sessionId>${extra}</mcc:startSession>`;
  const dtd = (decl: string, use: string) => `<?xml version="1.0"?><!DOCTYPE soapenv:Envelope [${decl}]>${envelope(start(`<data>${use}</data>`))}`;
  const laughs = '<!ENTITY lol "lol">' + Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('');
  const deep = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);

  const soapCases: Array<[string, string | Buffer, number, RegExp, Record<string, string>?]> = [
    ['an XXE file entity', dtd('<!ENTITY xxe SYSTEM "file:///etc/passwd">', '&xxe;'), 500, /DTDs and entity declarations are not allowed/],
    ['an XXE network entity', '', 500, /DTDs and entity declarations are not allowed/],
    ['a billion laughs', dtd(laughs, '&lol9;'), 500, /DTDs and entity declarations are not allowed/],
    ['a quadratic blow-up', dtd(`<!ENTITY a "${'x'.repeat(50_000)}">`, '&a;'.repeat(5000)), 500, /DTDs and entity declarations are not allowed/],
    ['a 10 MB body', envelope(start(`<data>${'x'.repeat(10 * 1024 * 1024)}</data>`)), 413, /larger than 1048576 bytes/],
    ['10,000-deep nesting', envelope(start(`<data>${deep(10_000)}</data>`)), 500, /Malformed XML: Maximum nested tags exceeded/],
    ['invalid UTF-8', Buffer.concat([Buffer.from(envelope(start('<data>'))), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('</data>')]), 500, /not valid UTF-8/],
    [
      'SOAP 1.2 to the SOAP 1.1 endpoint',
      `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>${start('')}</e:Body></e:Envelope>`,
      500,
      /VersionMismatch/,
    ],
    ['SOAP 1.2 content type', envelope(start('')), 500, /SOAP 1\.2/, { 'content-type': 'application/soap+xml; charset=utf-8' }],
    ['a JSON content type', envelope(start('')), 415, /SOAP 1\.1 messages are text\/xml, not application\/json/, { 'content-type': 'application/json' }],
    [
      'a wrong SOAPAction',
      envelope(start('')),
      500,
      /The SOAPAction (&quot;|")urn:closeSession(&quot;|") does not match the operation startSession/,
      { soapaction: '"urn:closeSession"' },
    ],
  ];
  for (const [what, payload, status, answer, headers] of soapCases) {
    it(`SOAP: refuses ${what}`, async () => {
      const body = what === 'an XXE network entity' ? dtd(`<!ENTITY xxe SYSTEM "${trapUrl}">`, '&xxe;') : payload;
      const before = await sessions();
      const rssBefore = process.memoryUsage().rss;
      const t = Date.now();
      const res = await fetch(`${b.url}/mc/cxf/soap`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', 'x-api-key': KEY, ...headers },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
      const text = await res.text();
      assert.equal(res.status, status, text.slice(0, 300));
      assert.match(text, /<soap:Fault><faultcode>soap:(Client|VersionMismatch)<\/faultcode>/);
      assert.match(text, answer);
      assert.ok(Date.now() - t < 3000, `took ${Date.now() - t} ms`);
      assert.doesNotMatch(text, /at [\w.<>]+ \(|node_modules|\.ts:\d|\.js:\d/, 'no stack trace');
      assert.ok(!text.includes(KEY), 'no secret');
      assert.equal(await sessions(), before, 'nothing changed');
      assert.equal(leaks, 0, 'no entity was fetched');
      assert.ok(process.memoryUsage().rss - rssBefore < 64 * 1024 * 1024, 'memory stays flat');
    });
  }

  const jsonCases: Array<[string, string | Buffer, number, Record<string, string>?]> = [
    ['a 10 MB body', JSON.stringify({ sessionId: 'hostile', sessionData: 'x'.repeat(10 * 1024 * 1024) }), 413],
    ['10,000-deep nesting', `{"sessionId":"hostile","sessionData":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, 400],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"sessionId":"hostile","sessionData":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), 400],
    ['not JSON', '{"sessionId": hostile', 400],
    ['an XML body', envelope(start('')), 415, { 'content-type': 'text/xml' }],
    ['wrong types', '{"sessionId":{"$ne":null},"sessionData":["a"]}', 400],
  ];
  for (const [what, body, status, headers] of jsonCases) {
    it(`REST: refuses ${what}`, async () => {
      const before = await sessions();
      const res = await fetch(`${b.url}/mc/cxf/rest/json/setSessionData`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-api-key': KEY, ...headers },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
      const text = await res.text();
      assert.equal(res.status, status, text.slice(0, 300));
      assert.ok(!text.includes(KEY));
      assert.doesNotMatch(text, /at [\w.<>]+ \(|node_modules/);
      assert.equal(await sessions(), before);
    });
  }

  it('still serves a good request after the corpus', async () => {
    const ok = await postSoap(b.url, envelope('<mcc:checkSessionState><sessionId>none</sessionId></mcc:checkSessionState>'), { 'x-api-key': KEY });
    assert.equal(ok.status, 200);
  });
});
