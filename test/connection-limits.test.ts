import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { parseConfig } from '../src/config/index.js';
import type { TestBridge } from './support/bridge.js';
import { basic, http, logoutEveryone, startFacesBridge, XucClient, xucLogin, guidOf } from './support/agent-faces.js';

/**
 * What one client may hold (issue 11, point 13), over real sockets: the per-IP cap, the global cap,
 * node's headers / request / keep-alive timeouts at API sizes — and what they must not cut: long
 * polls waiting for our answer (Huawei agentevent, CometD /meta/connect) and upgraded WebSockets.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const portOf = (b: TestBridge) => Number(new URL(b.url).port);

/** A raw TCP connection from `localAddress` that records what it receives and when it closes. */
async function open(b: TestBridge, localAddress = '127.0.0.1') {
  const socket: Socket = connect({ host: '127.0.0.1', port: portOf(b), localAddress });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  socket.on('data', (d) => (received += String(d)));
  socket.on('error', () => {}); // a reset is one of the ways to be closed
  const closed = new Promise<number>((resolve) => {
    const at = Date.now();
    socket.once('close', () => resolve(Date.now() - at));
  });
  return { socket, closed, received: () => received };
}

/** Whether `p` settles within `ms`. */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p.then(() => true), sleep(ms).then(() => false)]);

/** GET over node:http from a chosen source address (fetch cannot pick one). */
function getFrom(url: string, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const SLOW_HEADERS = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n';

describe('connection limits', () => {
  it('refuses a headers timeout past the request timeout (node would throw at start)', () => {
    assert.throws(() => parseConfig({ server: { headersTimeoutSeconds: 40 } }, 'test'), /server\.headersTimeoutSeconds/);
    assert.equal(parseConfig({}, 'test').server.requestTimeoutSeconds, 30);
  });

  describe('server.maxConnectionsPerIp', () => {
    let b: TestBridge;
    before(async () => {
      b = await startFacesBridge({ server: { port: 0, host: '127.0.0.1', maxConnectionsPerIp: 5 } });
    });
    after(() => b.close());

    it('refuses slow-header connections from one IP past its cap while another address is served', async () => {
      const held = await Promise.all(Array.from({ length: 5 }, () => open(b)));
      for (const h of held) h.socket.write(SLOW_HEADERS);
      const extra = await Promise.all(Array.from({ length: 3 }, () => open(b)));
      for (const e of extra) {
        assert.ok(await within(e.closed, 2000), 'a connection past the per-IP cap is closed at once');
        assert.match(e.received(), /^HTTP\/1\.1 503 /, 'with a plain 503 on its way out');
      }
      // Nothing sent on a refused connection runs, even a whole request sent at once.
      const eager = await open(b);
      eager.socket.write(
        'GET /mc/cxf/rest/json/startSession?channelId=1003&serviceid=CHAT&sessionId=over-cap&contactValue=x HTTP/1.1\r\nHost: localhost\r\n\r\n',
      );
      assert.ok(await within(eager.closed, 2000));
      for (const h of held) assert.equal(await within(h.closed, 0), false, 'the ones within the cap are kept');
      // Another client (another loopback address) is served all the while.
      assert.equal(await getFrom(`${b.url}/healthz`, '127.0.0.2'), 200);
      assert.equal(await getFrom(`${b.url}/healthz`, '127.0.0.3'), 200);
      // The cap counts open connections: once they go, the address is served again.
      for (const h of held) h.socket.destroy();
      await Promise.all(held.map((h) => h.closed));
      await sleep(50);
      assert.equal(await getFrom(`${b.url}/healthz`, '127.0.0.1'), 200);
      assert.equal((await b.rest('checkSessionState', { sessionId: 'over-cap' })).failReason, 'INVALID_SESSION_ID');
      assert.ok(
        b.logLines().some((l) => l.level === 'warn' && /maxConnectionsPerIp/.test(l.message) && l.ip === '127.0.0.1'),
        'the refusal is logged',
      );
    });
  });

  describe('server.maxConnections', () => {
    let b: TestBridge;
    before(async () => {
      b = await startFacesBridge({ server: { port: 0, host: '127.0.0.1', maxConnections: 4, maxConnectionsPerIp: 0 } });
    });
    after(() => b.close());

    it('closes connections past the global cap at once and serves again when one goes', async () => {
      const held = await Promise.all(Array.from({ length: 4 }, (_, i) => open(b, `127.0.0.${i + 1}`)));
      const extra = await open(b, '127.0.0.9');
      assert.ok(await within(extra.closed, 2000), 'the fifth connection is closed');
      held[0]?.socket.destroy();
      await held[0]?.closed;
      await sleep(50);
      assert.equal(await getFrom(`${b.url}/healthz`, '127.0.0.9'), 200);
      for (const h of held) h.socket.destroy();
    });
  });

  describe('timeouts at API sizes', () => {
    let b: TestBridge;
    before(async () => {
      b = await startFacesBridge({
        server: { port: 0, host: '127.0.0.1', headersTimeoutSeconds: 1, requestTimeoutSeconds: 2, keepAliveTimeoutSeconds: 1 },
        faces: { huawei: { pollWaitSeconds: 3.5 } },
      });
    });
    after(() => b.close());
    afterEach(() => logoutEveryone(b));

    it('closes a connection whose headers trickle in past the headers timeout, with a 408', async () => {
      const c = await open(b);
      const drip = setInterval(() => c.socket.writable && c.socket.write('X'), 200);
      c.socket.write(`${SLOW_HEADERS}X-Slow: `);
      try {
        // 1 s, checked every second by node: closed within about 2 s, never the default minute.
        assert.ok(await within(c.closed, 3500), 'closed after the headers timeout');
        assert.match(c.received(), /^HTTP\/1\.1 408 /);
      } finally {
        clearInterval(drip);
      }
    });

    it('closes a connection that never sends a byte', async () => {
      const c = await open(b);
      assert.ok(await within(c.closed, 3500), 'closed after the headers timeout');
    });

    it('closes a connection whose body trickles in past the request timeout', async () => {
      const c = await open(b);
      c.socket.write('PUT /mc/cxf/rest/json/setSessionData HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{');
      const drip = setInterval(() => c.socket.writable && c.socket.write(' '), 200);
      try {
        assert.ok(await within(c.closed, 4500), 'closed after the request timeout');
        assert.match(c.received(), /^HTTP\/1\.1 408 /);
      } finally {
        clearInterval(drip);
      }
    });

    it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
      const c = await open(b);
      c.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      assert.ok(await within(c.closed, 3000), 'closed once idle past the keep-alive timeout');
      assert.match(c.received(), /^HTTP\/1\.1 200 /);
    });

    it('still answers a Huawei event poll that waits past the request timeout', async () => {
      const gw = `${b.url}/agentgateway/resource`;
      const signedIn = await http('PUT', `${gw}/onlineagent/201/loginex`, {
        password: 'alice-pw',
        phonenum: '1001',
        status: '4',
        autoanswer: 'false',
        releasephone: 'false',
        agenttype: '4',
      });
      assert.equal(signedIn.body.retcode, '0', JSON.stringify(signedIn.body));
      const guid = guidOf(signedIn);
      // The sign-in's own events come at once; then a poll finds none and waits its 3.5 s.
      for (;;) {
        const started = Date.now();
        const r = await http('GET', `${gw}/agentevent/201`, undefined, { Guid: guid });
        assert.equal(r.status, 200);
        assert.equal(r.body.retcode, '0', JSON.stringify(r.body));
        if (r.body.event) continue;
        assert.ok(Date.now() - started >= 3000, `the empty poll waited (took ${Date.now() - started} ms)`);
        break;
      }
    });

    it('still answers a CometD long poll held past the request timeout', async () => {
      const bayeux = async (messages: object[]) => {
        const res = await fetch(`${b.url}/api/v2/notifications`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basic('alice', 'alice-pw') },
          body: JSON.stringify(messages),
        });
        assert.equal(res.status, 200);
        return (await res.json()) as Array<Record<string, any>>;
      };
      const [hello] = await bayeux([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]);
      assert.equal(hello?.successful, true, JSON.stringify(hello));
      const clientId = hello?.clientId as string;
      const [subscribed] = await bayeux([{ channel: '/meta/subscribe', clientId, subscription: '/v2/me/*' }]);
      assert.equal(subscribed?.successful, true, JSON.stringify(subscribed));
      const connect = () => bayeux([{ channel: '/meta/connect', clientId, connectionType: 'long-polling' }]);
      let held = connect();
      // A first connect may be answered at once; the one after it is held until an event comes.
      if (await within(held, 500)) held = connect();
      assert.equal(await within(held, 3500), false, 'the connect is held past the request timeout');
      assert.equal(
        (
          await http(
            'POST',
            `${b.url}/api/v2/me`,
            { operationName: 'StartContactCenterSession', channels: ['chat'] },
            { Authorization: basic('alice', 'alice-pw') },
          )
        ).body.statusCode,
        0,
      );
      const answered = await held;
      assert.ok(
        answered.some((m) => m.channel === '/v2/me/devices'),
        JSON.stringify(answered),
      );
      await bayeux([{ channel: '/meta/disconnect', clientId }]);
    });

    it('leaves an upgraded WebSocket open past every timeout', async () => {
      const xuc = await XucClient.connect(b.url, await xucLogin(b.url, 'alice', 'alice-pw'));
      try {
        await xuc.next('LoggedOn');
        await sleep(3500);
        assert.equal(xuc.ws.readyState, xuc.ws.OPEN);
        const from = xuc.count;
        xuc.send('agentLogin', { agentphonenumber: '1001' });
        await xuc.next('AgentStateEvent', (m) => m.name === 'AgentReady', from);
      } finally {
        xuc.close();
      }
    });
  });
});
