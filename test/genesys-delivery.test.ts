import assert from 'node:assert/strict';
import { request } from 'node:http';
import { parseConfig } from '../src/config/index.js';
import type { TestBridge } from './support/bridge.js';
import { basic, eventually, FACES_EMBEDDED, http, logoutEveryone, soapStart, startFacesBridge } from './support/agent-faces.js';
import { GwsDesktop } from './support/gws-desktop.js';
import { tcpRelay } from './support/tcp-relay.js';

/** A raw HTTP request (fetch will not send a browser's Origin and preflight headers as given). */
function raw(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (d: string) => (text += d))
        .on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const desk = 'http://desk.example';

/** Two more agents, for the reload to remove and to disable. */
const EXTRA_AGENTS = [
  ...FACES_EMBEDDED.agents,
  { username: 'erin', password: 'erin-pw', agentId: 204, skills: ['CHAT'], capacity: { 1003: 1 } },
  { username: 'frank', password: 'frank-pw', agentId: 205, skills: ['CHAT'], capacity: { 1003: 1 } },
];

describe('Genesys GWS delivery, CORS and who gets in', () => {
  let b: TestBridge;
  const api = () => `${b.url}/api/v2`;
  const alice = { Authorization: basic('alice', 'alice-pw') };
  before(async () => {
    b = await startFacesBridge(
      {
        server: { port: 0, host: '127.0.0.1', trustProxy: true },
        faces: { genesys: { allowedOrigins: [desk] } },
        security: { authFailures: { perIp: 100, perUsername: 3, windowSeconds: 60 } },
      },
      { agents: EXTRA_AGENTS },
    );
  });
  after(() => b.close());
  afterEach(() => logoutEveryone(b));

  it('a CometD long poll dropped mid-delivery loses nothing: the next connect gets the offer, once', async () => {
    const net = await tcpRelay(Number(new URL(b.url).port));
    const d = await GwsDesktop.open(net.url, 'alice', 'alice-pw', ['/v2/me/chats']);
    try {
      await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, alice);
      await http('POST', `${api()}/me`, { operationName: 'Ready' }, alice);
      await new Promise((r) => setTimeout(r, 300)); // the client's long poll is held now
      net.drop(); // …and its connection is gone when the offer is written to it
      await soapStart(b, 'CHAT', 'drop-1');
      await d.next((m) => m.data.chat?.id === 'drop-1' && m.data.chat.state === 'Invited', 'the offer after the drop', 10_000);
      await new Promise((r) => setTimeout(r, 1500)); // further connects bring no copy
      assert.equal(
        d.count((m) => m.data.chat?.id === 'drop-1' && m.data.chat.state === 'Invited'),
        1,
      );
      assert.deepEqual((await http('POST', `${api()}/me/chats/drop-1`, { operationName: 'Accept' }, alice)).body, { statusCode: 0 });
      await d.next((m) => m.data.chat?.id === 'drop-1' && m.data.chat.state === 'Chatting', 'Chatting');
      assert.equal(
        d.count((m) => m.data.chat?.id === 'drop-1'),
        2,
      );
    } finally {
      d.close();
      net.close();
    }
  });

  it('a client using the CometD ack extension gets again, once, an answer lost after the bridge wrote it out', async () => {
    const net = await tcpRelay(Number(new URL(b.url).port));
    const d = await GwsDesktop.open(net.url, 'alice', 'alice-pw', ['/v2/me/chats'], {}, true);
    try {
      await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, alice);
      await http('POST', `${api()}/me`, { operationName: 'Ready' }, alice);
      await new Promise((r) => setTimeout(r, 300)); // the client's long poll is held now
      const lost = net.swallowNext(); // the answer carrying the offer never reaches the client
      await soapStart(b, 'CHAT', 'ack-1');
      await lost;
      await d.next((m) => m.data.chat?.id === 'ack-1' && m.data.chat.state === 'Invited', 'the offer again', 10_000);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(
        d.count((m) => m.data.chat?.id === 'ack-1'),
        1,
      );
    } finally {
      d.close();
      net.close();
    }
  });

  it('CORS: an allowed origin passes the preflight of REST and CometD; any other gets no CORS and no notifications', async () => {
    const preflight = (path: string, origin: string) =>
      raw(`${b.url}${path}`, 'OPTIONS', {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      });
    const ok = await preflight('/api/v2/me', desk);
    assert.equal(ok.status, 204);
    assert.equal(ok.headers['access-control-allow-origin'], desk);
    assert.equal(ok.headers['access-control-allow-credentials'], 'true');
    assert.match(String(ok.headers['access-control-allow-methods']), /POST/);
    assert.equal(ok.headers['access-control-allow-headers'], 'authorization,content-type');
    const other = await preflight('/api/v2/me', 'http://evil.example');
    assert.equal(other.headers['access-control-allow-origin'], undefined);

    const me = await raw(`${api()}/me`, 'GET', { Origin: desk, ...alice });
    assert.equal(me.status, 200);
    assert.equal(me.headers['access-control-allow-origin'], desk);

    const cometdPreflight = await preflight('/api/v2/notifications', desk);
    assert.equal(cometdPreflight.headers['access-control-allow-origin'], desk);
    assert.equal((await preflight('/api/v2/notifications', 'http://evil.example')).status, 403);
    const handshake = JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]);
    const fromDesk = await raw(`${b.url}/api/v2/notifications`, 'POST', { Origin: desk, 'Content-Type': 'application/json', ...alice }, handshake);
    assert.equal(JSON.parse(fromDesk.body)[0].successful, true);
    assert.equal(fromDesk.headers['access-control-allow-origin'], desk);
    assert.equal(
      (await raw(`${b.url}/api/v2/notifications`, 'POST', { Origin: 'http://evil.example', 'Content-Type': 'application/json', ...alice }, handshake)).status,
      403,
    );
    // A real CometD client from the allowed origin.
    (await GwsDesktop.open(b.url, 'alice', 'alice-pw', ['/v2/me/*'], { Origin: desk })).close();
  });

  it('CORS is off by default', async () => {
    const plain = await startFacesBridge();
    try {
      const r = await raw(`${plain.url}/api/v2/me`, 'OPTIONS', { Origin: desk, 'Access-Control-Request-Method': 'GET' });
      assert.equal(r.headers['access-control-allow-origin'], undefined);
      assert.equal((await raw(`${plain.url}/api/v2/notifications`, 'OPTIONS', { Origin: desk, 'Access-Control-Request-Method': 'POST' })).status, 403);
    } finally {
      await plain.close();
    }
  });

  it('failed Basic authentications are throttled per username on REST and on the CometD handshake', async () => {
    const wrong = { Authorization: basic('dave', 'nope') };
    for (let i = 0; i < 3; i++) assert.equal((await http('GET', `${api()}/me`, undefined, wrong)).body.statusCode, 20);
    const blocked = await http('GET', `${api()}/me`, undefined, { Authorization: basic('dave', 'dave-pw') });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.statusCode, 3);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    await assert.rejects(GwsDesktop.open(b.url, 'dave', 'dave-pw'), /429/);
    // Another user is not held back by dave's budget.
    assert.equal((await http('GET', `${api()}/me`, undefined, alice)).body.statusCode, 0);
  });

  it("the request budget counts per signed-in agent, whatever address it calls from, in GWS's envelope", async () => {
    const limited = await startFacesBridge({
      server: { port: 0, host: '127.0.0.1', trustProxy: true },
      security: { rateLimit: { requestsPerSecond: 1, burst: 5 } },
    });
    try {
      const bob = { Authorization: basic('bob', 'bob-pw') };
      const answers = [];
      // Each call from its own address: the door-wide budget per IP never runs out, bob's does.
      for (let i = 0; i < 6; i++) answers.push(await http('GET', `${limited.url}/api/v2/me`, undefined, { ...bob, 'X-Forwarded-For': `10.0.0.${i + 1}` }));
      assert.deepEqual(
        answers.map((r) => r.status),
        [200, 200, 200, 200, 200, 429],
      );
      const refused = answers[5] as (typeof answers)[number];
      assert.equal(refused.body.statusCode, 3);
      assert.match(refused.body.statusMessage, /Too many requests/);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      assert.equal(
        (await http('GET', `${limited.url}/api/v2/me`, undefined, { ...alice, 'X-Forwarded-For': '10.0.1.1' })).body.statusCode,
        0,
        "alice's budget is her own",
      );
    } finally {
      await limited.close();
    }
  });

  it('a reload that removes or disables an agent ends its sessions and its CometD clients', async () => {
    const cookieOf = async (user: string) =>
      ((await http('GET', `${api()}/me`, undefined, { Authorization: basic(user, `${user}-pw`) })).headers.get('set-cookie') ?? '').split(';')[0] as string;
    const cookies = { erin: await cookieOf('erin'), frank: await cookieOf('frank') };
    const ended = new Set<string>();
    const desks = await Promise.all(
      ['erin', 'frank', 'alice'].map(async (u) => {
        const d = await GwsDesktop.open(b.url, u, u === 'alice' ? 'alice-pw' : `${u}-pw`);
        d.cometd.addListener('/meta/connect', (m) => {
          if (!m.successful) ended.add(u);
        });
        return d;
      }),
    );
    try {
      // erin is removed, frank loses his password: neither could sign in again.
      const agents = EXTRA_AGENTS.filter((a) => a.username !== 'erin').map((a) => (a.username === 'frank' ? { ...a, password: undefined } : a));
      await b.reload(parseConfig({ server: { port: 0 }, embedded: { ...FACES_EMBEDDED, agents } }, 'reload'));
      await eventually(() => ended.has('erin') && ended.has('frank'), 5000, 'their CometD clients ended');
      assert.equal((await http('GET', `${api()}/me`, undefined, { Cookie: cookies.erin })).body.statusCode, 20, 'a removed agent has no session');
      assert.equal((await http('GET', `${api()}/me`, undefined, { Cookie: cookies.frank })).body.statusCode, 20, 'a disabled agent has no session');
      assert.equal(ended.has('alice'), false, "the others' clients go on");
      assert.equal((await http('GET', `${api()}/me`, undefined, alice)).body.statusCode, 0);
    } finally {
      for (const d of desks) d.close();
      await b.reload(parseConfig({ server: { port: 0 }, embedded: { ...FACES_EMBEDDED, agents: EXTRA_AGENTS } }, 'reload'));
    }
  });
});
