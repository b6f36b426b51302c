import assert from 'node:assert/strict';
import { postSoap, startTestBridge, type TestBridge } from './support/bridge.js';
import { tokenEnvelope } from './support/wss.js';

const KEYS = [
  { name: 'crm', key: 'crm-key-0123456789' },
  { name: 'chat', key: 'chat-key-0123456789' },
];
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const check = (b: TestBridge, headers: Record<string, string>) => fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=x`, { headers });

describe('the MCC doors against guessing and budget escapes', () => {
  it('counts the request budget per verified principal, never per unchecked header', async () => {
    const b = await startTestBridge({ security: { apiKeys: KEYS, rateLimit: { requestsPerSecond: 1, burst: 3 } } });
    try {
      const crm = [];
      for (let i = 0; i < 4; i++) crm.push((await check(b, { 'X-API-Key': KEYS[0]!.key })).status);
      assert.deepEqual(crm, [200, 200, 200, 429]);
      // Another verified client has its own budget.
      assert.equal((await check(b, { 'X-API-Key': KEYS[1]!.key })).status, 200);
    } finally {
      await b.close();
    }
  });

  it('refuses password guessing after the failures budget: per IP, per username, on REST and SOAP alike', async () => {
    const b = await startTestBridge({
      security: {
        basic: [{ username: 'integrator', password: 'b4sic-secret' }],
        wsSecurity: { users: [{ username: 'wsuser', password: 'ws-secret-pw' }] },
        authFailures: { perIp: 8, perUsername: 3, windowSeconds: 60 },
      },
    });
    try {
      // The username's budget: three wrong passwords, then even the right one waits.
      const guesses = [];
      for (let i = 0; i < 4; i++) guesses.push((await check(b, { Authorization: basic('integrator', `guess-${i}`) })).status);
      assert.deepEqual(guesses, [401, 401, 401, 429]);
      const locked = await check(b, { Authorization: basic('integrator', 'b4sic-secret') });
      assert.equal(locked.status, 429);
      assert.ok(Number(locked.headers.get('retry-after')) >= 1);
      assert.match(((await locked.json()) as { message: string }).message, /failed authentications/);
      // The same budget holds on SOAP (WS-Security names the username too).
      for (let i = 0; i < 3; i++) await postSoap(b.url, tokenEnvelope({ username: 'wsuser', password: `guess-${i}` }));
      const soapLocked = await postSoap(b.url, tokenEnvelope({ username: 'wsuser', password: 'ws-secret-pw' }));
      assert.equal(soapLocked.status, 429, soapLocked.text);
      // The IP's budget (8) is now spent too (3 + 1 + 3 failures and more): another username from this IP is refused unchecked.
      for (let i = 0; i < 2; i++) await check(b, { Authorization: basic(`user${i}`, 'x') });
      assert.equal((await check(b, { Authorization: basic('someone-else', 'x') })).status, 429);
      // Asking without credentials is no guess, and the probes stay open.
      assert.equal((await fetch(`${b.url}/healthz`)).status, 200);
    } finally {
      await b.close();
    }
  });

  it('a right password is not a failure, and no credentials at all count nothing', async () => {
    const b = await startTestBridge({
      security: { basic: [{ username: 'integrator', password: 'b4sic-secret' }], authFailures: { perIp: 2, perUsername: 2, windowSeconds: 60 } },
    });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await check(b, {})).status, 401);
      for (let i = 0; i < 5; i++) assert.equal((await check(b, { Authorization: basic('integrator', 'b4sic-secret') })).status, 200);
    } finally {
      await b.close();
    }
  });
});
