import assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import { huaweiRetcodes } from '../src/reasons/index.js';
import { basic, eventually, http, logoutEveryone, soapStart, startFacesBridge, guidOf } from './support/agent-faces.js';
import { envelope, postSoap, startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * The spec's "Strings and transport": only XML 1.0 characters are stored, on every door (a 400 or
 * a Fault naming the field, nothing stored); SOAP answers keep CR; a mandatory header the bridge
 * does not process is a MustUnderstand Fault.
 */
const TNS = 'http://ws.mcc.tvox.teleniasoft.com/';
const notXml = [
  ['U+0001', '\u0001'],
  ['U+001F', '\u001f'],
  ['U+FFFE', '\ufffe'],
  ['U+FFFF', '\uffff'],
  ['a lone surrogate', '\ud800'],
] as const;

describe('strings and transport', () => {
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge();
  });
  after(() => b.close());

  const open = async (sessionId: string) => assert.equal((await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT', sessionId })).result, 'SUCCESS');
  const sessionDataOf = async (sessionId: string) => (await b.rest('checkSessionStateWithData', { sessionId })).sessionData;

  describe('REST refuses what XML 1.0 cannot carry, naming the field', () => {
    for (const [what, ch] of notXml) {
      it(`${what} in the setSessionData body: 400, nothing stored`, async () => {
        const id = `rest-body-${what.replace(/\W/g, '')}`;
        await open(id);
        const res = await fetch(`${b.url}/mc/cxf/rest/json/setSessionData`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sessionId: id, sessionData: `a${ch}b` }),
        });
        assert.equal(res.status, 400);
        const body = (await res.json()) as { error: string; message: string };
        assert.equal(body.error, 'bad_request');
        assert.match(body.message, /^sessionData holds U\+[0-9A-F]{4} at position 2, which is not an XML 1\.0 character$/);
        assert.equal(await sessionDataOf(id), undefined);
      });
    }
    it('in a query parameter: 400 naming it, no session created', async () => {
      const r = await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: 'rest-query', description: 'bell\u0007' });
      assert.equal(r.httpStatus, 400);
      assert.match(r.message, /^description holds U\+0007 at position 5/);
      assert.equal((await b.rest('checkSessionState', { sessionId: 'rest-query' })).failReason, 'INVALID_SESSION_ID');
    });
    it('tab, LF, CR and characters beyond the BMP are stored as they are', async () => {
      await open('rest-fine');
      const text = 'tab\there\nline\r\nend 😀 \u00e9 \ud7ff \ue000 \ufffd';
      assert.equal((await b.rest('setSessionData', { sessionId: 'rest-fine', sessionData: text })).result, 'SUCCESS');
      assert.equal(await sessionDataOf('rest-fine'), text);
    });
  });

  describe('SOAP', () => {
    const setData = (id: string, inner: string) =>
      postSoap(b.url, envelope(`<mcc:setSessionData><sessionId>${id}</sessionId><sessionData>${inner}</sessionData></mcc:setSessionData>`));

    for (const ref of ['&#1;', '&#x1F;', '&#xFFFE;', '&#65535;', '&#xD800;', '&#0;']) {
      it(`refuses the character reference ${ref} with a soap:Client Fault naming the element`, async () => {
        const id = `soap-ref-${ref.replace(/\W/g, '')}`;
        await open(id);
        const res = await setData(id, `a${ref}b`);
        assert.equal(res.status, 500);
        assert.match(res.text, /<faultcode>soap:Client<\/faultcode><faultstring>element sessionData holds the character reference &amp;#/);
        assert.equal(await sessionDataOf(id), undefined);
      });
    }
    it('refuses a literal control character, naming the element', async () => {
      await open('soap-literal');
      const res = await setData('soap-literal', 'a\u0002b');
      assert.equal(res.status, 500);
      assert.match(res.text, /<faultstring>element sessionData holds U\+0002 at position 2/);
      assert.equal(await sessionDataOf('soap-literal'), undefined);
    });
    it('keeps character references in comments and CDATA as text, not references', async () => {
      await open('soap-cdata');
      const res = await setData('soap-cdata', '<!-- &#1; --><![CDATA[&#1;]]>');
      assert.equal(res.status, 200, res.text);
      assert.equal(await sessionDataOf('soap-cdata'), '&#1;');
    });
    it('writes CR as &#13;, so that an XML reader gets it back', async () => {
      await open('soap-cr');
      assert.equal((await b.rest('setSessionData', { sessionId: 'soap-cr', sessionData: 'one\r\ntwo\rthree' })).result, 'SUCCESS');
      const res = await postSoap(b.url, envelope('<mcc:checkSessionStateWithData><sessionId>soap-cr</sessionId></mcc:checkSessionStateWithData>'));
      assert.equal(res.status, 200);
      assert.match(res.text, /<sessionData>one&#13;\ntwo&#13;three<\/sessionData>/);
      assert.doesNotMatch(res.text, /\r/);
      assert.equal(XMLValidator.validate(res.text), true);
      // node-soap, a real client, reads it back
      assert.equal((await b.soap('checkSessionStateWithData', { sessionId: 'soap-cr' })).sessionData, 'one\r\ntwo\rthree');
    });

    const withHeader = (header: string) =>
      `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>${header}</s:Header>` +
      `<s:Body><m:checkSessionState xmlns:m="${TNS}"><sessionId>x</sessionId></m:checkSessionState></s:Body></s:Envelope>`;
    it('answers a mandatory header it does not process with soap:MustUnderstand', async () => {
      const res = await postSoap(b.url, withHeader('<t:Transaction xmlns:t="urn:tx" s:mustUnderstand="1">5</t:Transaction>'));
      assert.equal(res.status, 500);
      assert.match(
        res.text,
        /<faultcode>soap:MustUnderstand<\/faultcode><faultstring>The header block Transaction \(urn:tx\) has mustUnderstand=&quot;1&quot; and is not processed here/,
      );
    });
    it('without WS-Security configured, a mandatory wsse:Security is not understood either', async () => {
      const wsse = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
      const res = await postSoap(
        b.url,
        withHeader(`<w:Security xmlns:w="${wsse}" s:mustUnderstand="1"><w:UsernameToken><w:Username>u</w:Username></w:UsernameToken></w:Security>`),
      );
      assert.match(res.text, /soap:MustUnderstand/);
    });
    it('ignores optional headers and a mustUnderstand outside the SOAP namespace', async () => {
      for (const header of [
        '<t:Transaction xmlns:t="urn:tx">5</t:Transaction>',
        '<t:Transaction xmlns:t="urn:tx" s:mustUnderstand="0">5</t:Transaction>',
        '<t:Transaction xmlns:t="urn:tx" t:mustUnderstand="1">5</t:Transaction>',
      ]) {
        const res = await postSoap(b.url, withHeader(header));
        assert.equal(res.status, 200, `${header}: ${res.text}`);
      }
    });
  });

  describe('the agent faces store only XML 1.0 text too', () => {
    let f: TestBridge;
    before(async () => {
      f = await startFacesBridge();
    });
    after(() => f.close());
    afterEach(() => logoutEveryone(f));

    it('Genesys UpdateUserData with a control character: 400 (statusCode 2) naming the key, nothing stored', async () => {
      const alice = { Authorization: basic('alice', 'alice-pw') };
      const api = `${f.url}/api/v2`;
      assert.equal((await http('POST', `${api}/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, alice)).body.statusCode, 0);
      assert.equal((await http('POST', `${api}/me`, { operationName: 'Ready' }, alice)).body.statusCode, 0);
      await soapStart(f, 'CHAT', 'gws-ctl');
      await eventually(async () => (await f.rest('checkSessionState', { sessionId: 'gws-ctl' })).status === 'BOOKED', 5000, 'BOOKED');
      await http('POST', `${api}/me/interactions/gws-ctl`, { operationName: 'Accept' }, alice);
      const res = await http('POST', `${api}/me/interactions/gws-ctl`, { operationName: 'UpdateUserData', userData: { sessionData: 'ticket\u000b77' } }, alice);
      assert.equal(res.status, 400);
      assert.equal(res.body.statusCode, 2);
      assert.match(res.body.statusMessage, /^userData\.sessionData holds U\+000B at position 7/);
      assert.equal((await f.soap('checkSessionStateWithData', { sessionId: 'gws-ctl' })).sessionData, undefined);
    });

    it('Huawei calldata with U+FFFF: its INVALID_PARAMETER retcode naming the key, nothing stored', async () => {
      const gw = `${f.url}/agentgateway/resource`;
      const signIn = await http('PUT', `${gw}/onlineagent/201/loginex`, {
        password: 'alice-pw',
        phonenum: '1001',
        status: '4',
        autoanswer: 'true',
        releasephone: 'false',
        agenttype: '4',
      });
      assert.equal(signIn.body.retcode, '0', JSON.stringify(signIn.body));
      const guid = guidOf(signIn);
      await soapStart(f, 'CHAT', 'hw-ctl');
      await eventually(async () => (await f.rest('checkSessionState', { sessionId: 'hw-ctl' })).status === 'ASSIGNED', 5000, 'ASSIGNED');
      const res = await http('PUT', `${gw}/calldata/201/appdata`, { callid: 'hw-ctl', calldata: 'order\uffff' }, { Guid: guid });
      assert.equal(res.body.retcode, huaweiRetcodes.INVALID_PARAMETER);
      assert.match(res.body.message, /^userData\.sessionData holds U\+FFFF at position 6/);
      assert.equal((await f.soap('checkSessionStateWithData', { sessionId: 'hw-ctl' })).sessionData, undefined);
    });
  });
});
