import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import WebSocket from 'ws';
import { adapt } from 'cometd-nodejs-client';
import { CometD, type Message } from 'cometd';
import type { TestBridge } from './support/bridge.js';
import { basic, eventually, http, logoutEveryone, startFacesBridge } from './support/agent-faces.js';

adapt(); // XMLHttpRequest and WebSocket for the CometD client in Node

const alice = { Authorization: basic('alice', 'alice-pw') };

/** A real CometD long-polling client subscribed to /v2/me/*, sending `headers` (a forged Host among them). */
async function cometdFor(url: string, headers: Record<string, string>): Promise<{ cometd: CometD; messages: any[] }> {
  const cometd = new CometD();
  cometd.unregisterTransport('websocket');
  cometd.configure({ url: `${url}/api/v2/notifications`, requestHeaders: headers, logLevel: 'warn' });
  const messages: any[] = [];
  await new Promise<void>((resolve, reject) => {
    cometd.handshake((reply: Message) => {
      if (!reply.successful) return reject(new Error(`handshake failed: ${JSON.stringify(reply)}`));
      cometd.subscribe(
        '/v2/me/*',
        (m: Message) => messages.push(m.data),
        (sub: Message) => (sub.successful ? resolve() : reject(new Error(JSON.stringify(sub)))),
      );
    });
  });
  return { cometd, messages };
}

/** One request with a Host header of the caller's choosing (fetch will not send one). */
function forged(url: string, path: string, host: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { ...headers, Host: host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const uris = (messages: any[]) => JSON.stringify(messages).match(/https?:\/\/[^/"]+/g) ?? [];

describe('Genesys face: what a caller can make the bridge do to others', () => {
  let b: TestBridge;
  before(async () => {
    b = await startFacesBridge();
  });
  after(() => b.close());
  afterEach(() => logoutEveryone(b));

  it("a forged Host changes only the forging client's notifications, never another client's", async () => {
    const honest = await cometdFor(b.url, alice);
    // The same agent on a second connection whose handshake names another host, and a stranger's request.
    const forging = await cometdFor(b.url, { ...alice, Host: 'attacker.example' });
    assert.equal(await forged(b.url, '/api/v2/me', 'attacker.example'), 401);
    assert.equal(await forged(b.url, '/api/v2/me', 'attacker.example', alice), 200);
    try {
      const start = await http('POST', `${b.url}/api/v2/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, alice);
      assert.equal(start.body.statusCode, 0, JSON.stringify(start.body));
      await eventually(() => honest.messages.some((m) => m.messageType === 'DeviceStateChangeMessage'), 5000, 'device notification');
      await eventually(() => forging.messages.some((m) => m.messageType === 'DeviceStateChangeMessage'), 5000, 'device notification (forging client)');
      const origin = new URL(b.url).host;
      assert.ok(uris(honest.messages).length > 0);
      assert.deepEqual([...new Set(uris(honest.messages))], [`http://${origin}`]);
      assert.deepEqual([...new Set(uris(forging.messages))], ['http://attacker.example']);
    } finally {
      honest.cometd.disconnect();
      forging.cometd.disconnect();
    }
  });

  it('with server.publicUrl, every client is named by it, whatever Host it sends', async () => {
    const behind = await startFacesBridge({ server: { port: 0, host: '127.0.0.1', publicUrl: 'https://cc.example.com/' } });
    const client = await cometdFor(behind.url, { ...alice, Host: 'attacker.example', Origin: 'https://cc.example.com' });
    try {
      const start = await http('POST', `${behind.url}/api/v2/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, alice);
      assert.equal(start.body.statusCode, 0, JSON.stringify(start.body));
      await eventually(() => client.messages.some((m) => m.messageType === 'DeviceStateChangeMessage'), 5000, 'device notification');
      assert.deepEqual([...new Set(uris(client.messages))], ['https://cc.example.com']);
    } finally {
      client.cometd.disconnect();
      await logoutEveryone(behind);
      await behind.close();
    }
  });

  it('CometD serves no other origin, no form or text/plain body and no JSON-P, which a foreign page could send and read', async () => {
    const handshake = JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]);
    const notifications = `${b.url}/api/v2/notifications`;
    const post = (headers: Record<string, string>, body = handshake) => fetch(notifications, { method: 'POST', headers: { ...alice, ...headers }, body });
    const own = await post({ 'content-type': 'application/json', origin: new URL(b.url).origin });
    assert.equal(own.status, 200);
    assert.equal(((await own.json()) as Array<Record<string, unknown>>)[0]?.successful, true);
    const foreign = await post({ 'content-type': 'application/json', origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(notifications, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.equal((await post({ 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post({ 'content-type': 'application/x-www-form-urlencoded' }, `message=${encodeURIComponent(handshake)}`)).status, 415);
    const jsonp = await fetch(`${notifications}?message=${encodeURIComponent(handshake)}&jsonp=steal`, { headers: alice });
    assert.equal(jsonp.status, 405);
    assert.doesNotMatch(await jsonp.text(), /steal\(/);
    const ws = new WebSocket(`${b.url.replace(/^http/, 'ws')}/api/v2/notifications`, { headers: alice, origin: 'https://evil.example' });
    await assert.rejects(once(ws, 'open'));
  });

  it('the JSESSIONID cookie is HttpOnly and SameSite=Strict', async () => {
    const r = await http('GET', `${b.url}/api/v2/me`, undefined, alice);
    const cookie = r.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^JSESSIONID=/);
    assert.match(cookie, /;\s*httponly/i);
    assert.match(cookie, /;\s*samesite=strict/i);
  });

  it('refuses a POST or PUT body that does not say it is JSON (a cross-site form or text/plain) with 415, before acting', async () => {
    const r = await http('GET', `${b.url}/api/v2/me`, undefined, alice);
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const body = JSON.stringify({ operationName: 'StartContactCenterSession', channels: ['chat'] });
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      for (const [method, path] of [
        ['POST', '/api/v2/me'],
        ['POST', '/api/v2/me/channels/chat'],
        ['PUT', '/api/v2/interactions/x'],
      ]) {
        const res = await fetch(`${b.url}${path}`, { method, headers: { cookie, 'content-type': type }, body });
        assert.equal(res.status, 415, `${method} ${path} as ${type}`);
        const answer = (await res.json()) as Record<string, unknown>;
        assert.equal(typeof answer.statusCode, 'number', JSON.stringify(answer));
      }
    }
    const state = await b.engine.agentState('alice');
    assert.equal(state.ok && state.value.loggedIn, false, 'nothing was done');
    // The same body as JSON is served.
    const ok = await fetch(`${b.url}/api/v2/me`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body });
    assert.equal(((await ok.json()) as Record<string, unknown>).statusCode, 0);
  });

  it('Basic calls without the cookie share the agent’s one live session instead of storing one each', async () => {
    const tokens = new Set<string>();
    await Promise.all(Array.from({ length: 5 }, () => http('GET', `${b.url}/api/v2/me`, undefined, alice))); // racing first calls
    for (let i = 0; i < 60; i++) {
      const r = await http('GET', `${b.url}/api/v2/me`, undefined, alice);
      assert.equal(r.status, 200);
      tokens.add(/JSESSIONID=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1] ?? 'none');
    }
    assert.equal(tokens.size, 1, `one session for all of them, not ${tokens.size}`);
    assert.ok(!tokens.has('none'));
    // The session still works as a cookie.
    const byCookie = await http('GET', `${b.url}/api/v2/me`, undefined, { cookie: `JSESSIONID=${[...tokens][0]}` });
    assert.equal(byCookie.status, 200);
  });

  it('operation labels in metrics and logs come from the known operations only', async () => {
    const invented = (i: number) => `Invented${i}x`;
    for (let i = 0; i < 5; i++) {
      await http('POST', `${b.url}/api/v2/me`, { operationName: invented(i) }, alice);
      await http('POST', `${b.url}/api/v2/me/channels/chat`, { operationName: invented(i) }, alice);
      await http('POST', `${b.url}/api/v2/me/channels/nosuchchannel`, { operationName: invented(i) }, alice);
      await http('POST', `${b.url}/api/v2/me/interactions/nosuch`, { operationName: invented(i) }, alice);
    }
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    assert.doesNotMatch(metrics, /Invented/);
    assert.match(metrics, /face="genesys",operation="unknown"/);
    await eventually(() => b.logLines().some((l) => l.face === 'genesys' && l.operation === 'unknown'), 2000, 'access log lines');
    assert.ok(!b.logLines().some((l) => String(l.operation ?? '').includes('Invented')));
  });

  it('every answer says nosniff: agent faces, MCC REST and SOAP, health, not found', async () => {
    for (const path of [
      '/api/v2/me',
      '/agentgateway/resource/onlineagent/201/agentstatus',
      '/mc/cxf/rest/json/getServiceState?channelId=1003&serviceid=CHAT',
      '/mc/cxf/soap?wsdl',
      '/healthz',
      '/nowhere',
    ]) {
      const res = await fetch(`${b.url}${path}`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });
});
