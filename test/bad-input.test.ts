import assert from 'node:assert/strict';
import { envelope, postSoap, startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * What is not an MCC call gets a clear SOAP Fault or HTTP 4xx, and changes nothing: after each
 * refused request that named a session id, that id still does not exist.
 */
describe('bad input', () => {
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge({ server: { port: 0, host: '127.0.0.1', bodyLimit: 4096 } });
  });
  after(() => b.close());

  const assertUntouched = async (sessionId: string) => {
    const r = await b.rest('checkSessionState', { sessionId });
    assert.equal(r.failReason, 'INVALID_SESSION_ID', `${sessionId} must not exist`);
  };
  const start = (extra: string) =>
    envelope(`<mcc:startSession><channelId>1003</channelId><serviceid>CHAT</serviceid><sessionId>untouched</sessionId>${extra}</mcc:startSession>`);

  describe('SOAP', () => {
    const faults: Array<[string, string, RegExp, Record<string, string>?]> = [
      ['malformed XML', '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><a></soapenv:Body>', /Malformed XML/],
      ['not XML at all', 'hello, SOAP?', /Malformed XML|Not a SOAP envelope/],
      ['a non-envelope document', '<startSession><channelId>1003</channelId></startSession>', /Not a SOAP envelope/],
      ['an envelope in no SOAP namespace', '<Envelope><Body><startSession/></Body></Envelope>', /Not a SOAP 1\.1 envelope/],
      ['a SOAP 1.2 envelope', '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><startSession/></e:Body></e:Envelope>', /SOAP 1\.2/],
      ['an envelope without a body', '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/></s:Envelope>', /exactly one soap:Body/],
      ['an empty body', envelope(''), /exactly one operation/],
      ['an unknown operation', envelope('<mcc:deleteEverything/>'), /Unknown operation: deleteEverything/],
      [
        'a DTD with an external entity (XXE)',
        `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${start('<data>&xxe;</data>')}`,
        /DTD/,
      ],
      [
        'a non-integer channelId',
        envelope('<mcc:startSession><channelId>abc</channelId><serviceid>CHAT</serviceid><sessionId>untouched</sessionId></mcc:startSession>'),
        /channelId must be an xs:int/,
      ],
      [
        'a channelId beyond 32 bits',
        envelope('<mcc:startSession><channelId>99999999999</channelId><serviceid>CHAT</serviceid><sessionId>untouched</sessionId></mcc:startSession>'),
        /xs:int/,
      ],
      ['an element given twice', start('<data>a</data><data>b</data>'), /data may appear only once/],
      ['elements inside a text field', start('<data><nested>x</nested></data>'), /data must hold text/],
      [
        'a close reason outside its enumeration',
        envelope('<mcc:closeSession><sessionId>untouched</sessionId><reason>BECAUSE</reason></mcc:closeSession>'),
        /REQUEST_FROM_CALLER/,
      ],
      [
        'an operation element outside the target namespace',
        envelope(
          '<x:startSession xmlns:x="urn:whatever"><channelId>1003</channelId><serviceid>CHAT</serviceid><sessionId>untouched</sessionId></x:startSession>',
        ),
        /startSession must be in the namespace http:\/\/ws\.mcc\.tvox\.teleniasoft\.com\/, not urn:whatever/,
      ],
      [
        'an unqualified operation element',
        envelope('<startSession><channelId>1003</channelId><serviceid>CHAT</serviceid><sessionId>untouched</sessionId></startSession>'),
        /must be in the namespace .*, not none/,
      ],
      ['SOAP 1.2 content type', start(''), /SOAP 1\.2/, { 'content-type': 'application/soap+xml; charset=utf-8' }],
    ];
    for (const [what, body, message, headers] of faults) {
      it(`refuses ${what} with a soap:Client/VersionMismatch Fault`, async () => {
        const res = await postSoap(b.url, body, headers);
        assert.equal(res.status, 500);
        assert.match(res.contentType, /text\/xml/);
        assert.match(res.text, /<soap:Fault><faultcode>soap:(Client|VersionMismatch)<\/faultcode><faultstring>/);
        assert.match(res.text, message);
        assert.doesNotMatch(res.text, /at [\w.]+ \(|node_modules/, 'no stack trace');
        await assertUntouched('untouched');
      });
    }

    it('refuses a body over the limit with 413 and a Fault', async () => {
      const res = await postSoap(b.url, start(`<data>${'x'.repeat(8000)}</data>`));
      assert.equal(res.status, 413);
      assert.match(res.text, /larger than 4096 bytes/);
      await assertUntouched('untouched');
    });

    it('refuses bytes that are not UTF-8', async () => {
      const res = await fetch(`${b.url}/mc/cxf/soap`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: Buffer.concat([Buffer.from(start('<data>')), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('</data>')]),
      });
      assert.equal(res.status, 500);
      assert.match(await res.text(), /not valid UTF-8/);
      await assertUntouched('untouched');
    });

    it('reads a tolerant envelope: any prefixes, children qualified in any namespace or not, any order, entities decoded', async () => {
      const body =
        '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Header/><S:Body>' +
        '<x:startSession xmlns:x="http://ws.mcc.tvox.teleniasoft.com/" xmlns:y="urn:whatever"><x:sessionId>tolerant-1</x:sessionId><data>a &amp; b &#233;</data>' +
        '<y:serviceid>CHAT</y:serviceid><channelId> 1003 </channelId></x:startSession></S:Body></S:Envelope>';
      const res = await postSoap(b.url, body);
      assert.equal(res.status, 200, res.text);
      assert.match(res.text, /<return><result>SUCCESS<\/result><sessionId>tolerant-1<\/sessionId><\/return>/);
      const check = await b.rest('checkSessionStateWithData', { sessionId: 'tolerant-1' });
      assert.equal(check.data, 'a & b é');
    });

    it('reads xsi:nil as absent: a nil serviceid is REQUIRED_PARAMETERS, a nil sessionData reaches the bridge', async () => {
      const xsi = 'xmlns:i="http://www.w3.org/2001/XMLSchema-instance"';
      const nilService = await postSoap(
        b.url,
        envelope(
          `<mcc:startSession ${xsi}><channelId>1003</channelId><serviceid i:nil="true">CHAT</serviceid><sessionId>untouched</sessionId></mcc:startSession>`,
        ),
      );
      assert.equal(nilService.status, 200);
      assert.match(nilService.text, /<failReason>REQUIRED_PARAMETERS<\/failReason>/);
      const nilData = await postSoap(
        b.url,
        envelope(`<mcc:setSessionData ${xsi}><sessionId>untouched</sessionId><sessionData i:nil="true"/></mcc:setSessionData>`),
      );
      assert.equal(nilData.status, 200);
      assert.match(nilData.text, /<failReason>INVALID_SESSION_ID<\/failReason>/);
      // nil only in the XML Schema instance namespace: another namespace's "nil" is just an attribute
      const other = await postSoap(
        b.url,
        envelope(
          '<mcc:startSession xmlns:o="urn:other"><channelId>1003</channelId><serviceid o:nil="true">CHAT</serviceid><sessionId>nil-other</sessionId></mcc:startSession>',
        ),
      );
      assert.match(other.text, /<result>SUCCESS<\/result>/);
      await assertUntouched('untouched');
    });

    it('GET on the endpoint without ?wsdl is 405, ?xsd is 404', async () => {
      assert.equal((await fetch(`${b.url}/mc/cxf/soap`)).status, 405);
      assert.equal((await fetch(`${b.url}/mc/cxf/soap?xsd=x.xsd`)).status, 404);
    });
  });

  describe('REST', () => {
    const put = (body: string, contentType = 'application/json') =>
      fetch(`${b.url}/mc/cxf/rest/json/setSessionData`, { method: 'PUT', headers: { 'content-type': contentType }, body });
    const expectError = async (res: Response, status: number, error: string) => {
      assert.equal(res.status, status);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const body = (await res.json()) as { error: string; message: string };
      assert.equal(body.error, error);
      assert.ok(body.message.length > 5);
      return body;
    };

    it('unreadable JSON is 400', async () => {
      const body = await expectError(await put('{"sessionId": "untouched", '), 400, 'bad_request');
      assert.match(body.message, /not valid JSON/);
    });
    it('a JSON body that is not an object is 400', async () => {
      await expectError(await put('["untouched"]'), 400, 'bad_request');
    });
    it('wrong types in the body are 400', async () => {
      const body = await expectError(await put('{"sessionId": "untouched", "sessionData": 42}'), 400, 'bad_request');
      assert.match(body.message, /sessionData must be a string/);
    });
    it('a missing sessionData reaches the bridge (which knows no such session)', async () => {
      const res = await put('{"sessionId": "untouched"}');
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { failReason: string }).failReason, 'INVALID_SESSION_ID');
    });
    it('a non-JSON content type is 415', async () => {
      await expectError(await put('sessionId=untouched', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    });
    it('a body over the limit is 413', async () => {
      await expectError(await put(JSON.stringify({ sessionId: 'untouched', sessionData: 'x'.repeat(8000) })), 413, 'payload_too_large');
    });
    it('an unknown path is 404, a wrong method 405 with Allow', async () => {
      await expectError(await fetch(`${b.url}/mc/cxf/rest/json/dropSession`), 404, 'not_found');
      const res = await fetch(`${b.url}/mc/cxf/rest/json/startSession`, { method: 'POST' });
      assert.equal(res.headers.get('allow'), 'GET');
      await expectError(res, 405, 'method_not_allowed');
      await expectError(await fetch(`${b.url}/mc/cxf/rest/json/setSessionData`), 405, 'method_not_allowed');
    });
    it('a close reason outside its enumeration is 400', async () => {
      const res = await fetch(`${b.url}/mc/cxf/rest/json/closeSession?sessionId=untouched&reason=BECAUSE`);
      await expectError(res, 400, 'bad_request');
    });
    it('a non-integer channelId is the INVALID_CHANNEL_ID result, not an HTTP error', async () => {
      const r = await b.rest('startSession', { channelId: 'abc', serviceid: 'CHAT', sessionId: 'untouched' });
      assert.deepEqual([r.httpStatus, r.result, r.failReason], [200, 'FAILED', 'INVALID_CHANNEL_ID']);
      await assertUntouched('untouched');
    });
    it('serviceCodes may repeat or be comma-separated', async () => {
      const r = await b.rest('getServiceState', { channelId: '1003', serviceCodes: ['CHAT,OOS', 'NOPE'] });
      assert.deepEqual(Object.keys(r.state).sort(), ['CHAT', 'NOPE', 'OOS']);
    });
    it('fields that do not apply are left out, never null', async () => {
      const res = await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=nope`);
      const text = await res.text();
      assert.doesNotMatch(text, /null/);
      assert.deepEqual(Object.keys(JSON.parse(text)).sort(), ['failReason', 'failReasonMessage', 'result', 'sessionId']);
    });
  });
});
