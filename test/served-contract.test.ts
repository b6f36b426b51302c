import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import soap from 'soap';
import { operationNames, operations } from '../src/contract/index.js';
import { FRESH_WSDL, startTestBridge, type TestBridge } from './support/bridge.js';

/** The WSDL and WADL as served: where they point, which namespace, what they list. */
describe('served WSDL and WADL', () => {
  let b: TestBridge;
  afterEach(() => b?.close());

  it('the WSDL soap:address follows the Host the client used', async () => {
    b = await startTestBridge();
    const port = new URL(b.url).port;
    const res = await fetch(`http://localhost:${port}/mc/cxf/soap?wsdl`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /xml/);
    const wsdl = await res.text();
    assert.equal(XMLValidator.validate(wsdl), true);
    assert.match(wsdl, new RegExp(`location="http://localhost:${port}/mc/cxf/soap"`));
    assert.match(await (await fetch(`${b.url}/mc/cxf/soap?WSDL`)).text(), new RegExp(`location="${b.url}/mc/cxf/soap"`));
  });

  it('X-Forwarded-* are honoured only when the proxy is trusted', async () => {
    b = await startTestBridge();
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'mcc.example.com' };
    assert.doesNotMatch(await (await fetch(`${b.url}/mc/cxf/soap?wsdl`, { headers })).text(), /mcc\.example\.com/);
    await b.close();
    b = await startTestBridge({ server: { port: 0, host: '127.0.0.1', trustProxy: true } });
    assert.match(await (await fetch(`${b.url}/mc/cxf/soap?wsdl`, { headers })).text(), /location="https:\/\/mcc\.example\.com\/mc\/cxf\/soap"/);
  });

  it('a configured public URL and targetNamespace win, and a client generated from them works', async () => {
    b = await startTestBridge({
      server: { port: 0, host: '127.0.0.1', publicUrl: 'https://public.example.org/tvox/' },
      contract: { targetNamespace: 'http://legacy.example.com/mcc' },
    });
    const wsdl = await (await fetch(`${b.url}/mc/cxf/soap?wsdl`)).text();
    assert.match(wsdl, /location="https:\/\/public\.example\.org\/tvox\/mc\/cxf\/soap"/);
    assert.match(wsdl, /targetNamespace="http:\/\/legacy\.example\.com\/mcc"/);
    const client = await soap.createClientAsync(`${b.url}/mc/cxf/soap?wsdl`, { ...FRESH_WSDL, endpoint: `${b.url}/mc/cxf/soap` });
    const [out, raw] = await client.startSessionAsync({ channelId: 1003, serviceid: 'CHAT', sessionId: 'ns-1' });
    assert.equal(out.return.result, 'SUCCESS');
    assert.match(raw, /<ns2:startSessionResponse xmlns:ns2="http:\/\/legacy\.example\.com\/mcc">/);
  });

  it('the WADL is served at /mc/cxf/rest?_wadl with its base and all 8 resources', async () => {
    b = await startTestBridge();
    const res = await fetch(`${b.url}/mc/cxf/rest?_wadl`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(XMLValidator.validate(text), true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => ['resource', 'param'].includes(n) }).parse(text);
    assert.equal(doc.application['@_xmlns'], 'http://wadl.dev.java.net/2009/02');
    const resources = doc.application.resources;
    assert.equal(resources['@_base'], `${b.url}/mc/cxf/rest/`);
    const paths = resources.resource.map((r: Record<string, string>) => r['@_path']).sort();
    assert.deepEqual(paths, operationNames.map((op) => `json${operations[op].rest.path}`).sort());
  });
});
