import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import soap from 'soap';
import { FRESH_WSDL, postSoap, startTestBridge, type TestBridge } from './support/bridge.js';
import { tokenEnvelope } from './support/wss.js';

const API_KEY = 'k3y-0123456789abcdef';
const SECURITY = {
  basic: [{ username: 'integrator', password: 'b4sic-secret' }],
  apiKeys: [{ name: 'crm', key: API_KEY }],
  wsSecurity: { users: [{ username: 'wsuser', password: 'ws-secret-pw' }], maxSkewSeconds: 300 },
};
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('authentication of the MCC faces', () => {
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge({ security: SECURITY });
  });
  after(() => b.close());

  it('is off by default: an unconfigured bridge answers without credentials', async () => {
    const open = await startTestBridge();
    try {
      assert.equal((await open.rest('checkSessionState', { sessionId: 'x' })).httpStatus, 200);
    } finally {
      await open.close();
    }
  });

  it('REST: 401 without or with wrong credentials; Basic and X-API-Key let in', async () => {
    const url = `${b.url}/mc/cxf/rest/json/checkSession?sessionId=x`;
    const none = await fetch(url);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Basic realm="mcc-bridge"');
    assert.equal((await none.json()).error, 'unauthorized');
    assert.equal((await fetch(url, { headers: { Authorization: basic('integrator', 'wrong') } })).status, 401);
    assert.equal((await fetch(url, { headers: { 'X-API-Key': 'k3y-wrong-wrong-wrong' } })).status, 401);
    assert.equal((await fetch(url, { headers: { Authorization: basic('integrator', 'b4sic-secret') } })).status, 200);
    assert.equal((await fetch(url, { headers: { 'X-API-Key': API_KEY } })).status, 200);
    // The contract documents stay readable unless protectContracts is set.
    assert.equal((await fetch(`${b.url}/mc/cxf/rest?_wadl`)).status, 200);
    assert.equal((await fetch(`${b.url}/mc/cxf/soap?wsdl`)).status, 200);
  });

  it('SOAP: a real client with HTTP Basic, and with WS-Security PasswordText and PasswordDigest', async () => {
    const wsdl = `${b.url}/mc/cxf/soap?wsdl`;
    const call = async (security?: soap.ISecurity) => {
      const client = await soap.createClientAsync(wsdl, FRESH_WSDL);
      if (security) client.setSecurity(security);
      const [out] = await (client as any).checkSessionStateAsync({ sessionId: 'x' });
      return out.return;
    };
    await assert.rejects(call(), (e: any) => /FailedAuthentication/.test(String(e.body ?? e.message)));
    assert.equal((await call(new soap.BasicAuthSecurity('integrator', 'b4sic-secret'))).result, 'FAILED'); // in: INVALID_SESSION_ID
    assert.equal(
      (await call(new soap.WSSecurity('wsuser', 'ws-secret-pw', { passwordType: 'PasswordText', hasNonce: true }))).failReason,
      'INVALID_SESSION_ID',
    );
    assert.equal(
      (await call(new soap.WSSecurity('wsuser', 'ws-secret-pw', { passwordType: 'PasswordDigest', hasNonce: true }))).failReason,
      'INVALID_SESSION_ID',
    );
    await assert.rejects(call(new soap.WSSecurity('wsuser', 'wrong', { passwordType: 'PasswordDigest', hasNonce: true })), (e: any) =>
      /FailedAuthentication/.test(String(e.body)),
    );
  });

  it('WS-Security: a replayed nonce, a wrong digest and a stale Created are refused with wsse:FailedAuthentication', async () => {
    const nonce = randomBytes(16);
    const created = new Date().toISOString();
    const first = await postSoap(b.url, tokenEnvelope({ username: 'wsuser', password: 'ws-secret-pw', digest: true, nonce, created }));
    assert.equal(first.status, 200, first.text);
    const replay = await postSoap(b.url, tokenEnvelope({ username: 'wsuser', password: 'ws-secret-pw', digest: true, nonce, created }));
    assert.equal(replay.status, 500);
    assert.match(replay.text, /<faultcode xmlns:wsse="[^"]+">wsse:FailedAuthentication<\/faultcode>/);
    assert.match(replay.text, /replay/);
    const wrong = await postSoap(b.url, tokenEnvelope({ username: 'wsuser', password: 'not-it', digest: true }));
    assert.match(wrong.text, /wsse:FailedAuthentication/);
    const stale = await postSoap(
      b.url,
      tokenEnvelope({ username: 'wsuser', password: 'ws-secret-pw', digest: true, created: new Date(Date.now() - 3_600_000).toISOString() }),
    );
    assert.match(stale.text, /expired/);
    const unknown = await postSoap(b.url, tokenEnvelope({ username: 'nobody', password: 'ws-secret-pw' }));
    assert.match(unknown.text, /wsse:FailedAuthentication/);
    const text = await postSoap(b.url, tokenEnvelope({ username: 'wsuser', password: 'ws-secret-pw' }));
    assert.equal(text.status, 200, text.text);
  });

  it('never writes a secret to the log, and says who was refused and who got in', async () => {
    await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=x`, { headers: { Authorization: basic('integrator', 'b4sic-secret') } });
    await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=x`, { headers: { Authorization: basic('integrator', 'typo-secret') } });
    await postSoap(b.url, tokenEnvelope({ username: 'wsuser', password: 'ws-secret-pw', digest: true }));
    await new Promise((r) => setTimeout(r, 200));
    const log = readFileSync(b.logFile, 'utf8');
    for (const secret of ['b4sic-secret', 'typo-secret', 'ws-secret-pw', API_KEY, Buffer.from('integrator:b4sic-secret').toString('base64')]) {
      assert.ok(!log.includes(secret), `the log holds ${secret}`);
    }
    const lines = b.logLines().filter((l) => l.message === 'request');
    assert.ok(lines.some((l) => l.failReason === 'UNAUTHENTICATED'));
    assert.ok(lines.some((l) => l.principal === 'integrator'));
    assert.ok(lines.some((l) => l.principal === 'wsuser'));
  });

  it('protectContracts puts the WSDL, WADL and OpenAPI behind the same credentials', async () => {
    const guarded = await startTestBridge({ security: { ...SECURITY, protectContracts: true } });
    try {
      for (const path of ['/mc/cxf/soap?wsdl', '/mc/cxf/rest?_wadl', '/mc/cxf/rest/openapi.json']) {
        assert.equal((await fetch(`${guarded.url}${path}`)).status, 401, path);
        assert.equal((await fetch(`${guarded.url}${path}`, { headers: { 'X-API-Key': API_KEY } })).status, 200, path);
      }
    } finally {
      await guarded.close();
    }
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After (JSON for REST, a Fault for SOAP) past the burst, per client', async () => {
    const b = await startTestBridge({ security: { rateLimit: { requestsPerSecond: 2, burst: 5 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=x`)).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
      const limited = await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=x`);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal((await limited.json()).error, 'rate_limited');
      const fault = await postSoap(b.url, '<x/>');
      assert.equal(fault.status, 429);
      assert.match(fault.text, /<faultcode>soap:Client<\/faultcode><faultstring>Too many requests/);
      // A header nobody checked is no new client: security is off here, so a made-up key still counts against the IP.
      assert.equal((await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=x`, { headers: { 'X-API-Key': 'another-client-key-123' } })).status, 429);
      // Probes are never limited.
      assert.equal((await fetch(`${b.url}/healthz`)).status, 200);
    } finally {
      await b.close();
    }
  });
});
