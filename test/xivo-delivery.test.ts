import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { parseConfig } from '../src/config/index.js';
import type { TestBridge } from './support/bridge.js';
import { FACES_EMBEDDED, XucClient, eventually, http, logoutEveryone, soapStart, startFacesBridge, xucLogin, xucSockets } from './support/agent-faces.js';

/**
 * Issue 12 point 1 on the XUC socket (an event survives a dropped socket, once), issue 11 points 5
 * (failed token logins and socket tokens throttled; the request budget per user) and 7 (a reload
 * that removes a user ends its sessions and sockets).
 */

const ringingOf = (c: XucClient, id: string) =>
  c.frames.filter((f) => f.msgType === 'PhoneEvent' && f.ctiMessage.eventType === 'EventRinging' && f.ctiMessage.uniqueId === id);

describe('XiVO XUC face: exact delivery, throttling, reload cut-off', () => {
  describe('on one bridge', () => {
    let b: TestBridge;
    const sockets = xucSockets(() => b.url);
    const open = sockets.connect;
    before(async () => {
      b = await startFacesBridge();
    });
    after(() => b.close());
    afterEach(async () => {
      sockets.closeAll();
      await logoutEveryone(b);
    });

    it("a socket dropped in the middle of delivery loses nothing: the token's next socket gets the event once, and never again once received", async () => {
      const token = await xucLogin(b.url, 'alice', 'alice-pw');
      // A client whose pongs never come back: what it was sent is never proven received.
      const dropped = await open(token, { autoPong: false });
      dropped.send('agentLogin', { agentphonenumber: '1001' });
      await dropped.next('AgentStateEvent', (m) => m.name === 'AgentReady');
      await soapStart(b, 'CHAT', 'drop-1');
      await dropped.next('PhoneEvent', (m) => m.eventType === 'EventRinging');
      dropped.ws.terminate();

      const next = await open(token);
      await next.next('PhoneEvent', (m) => m.eventType === 'EventRinging' && m.uniqueId === 'drop-1');
      // Its pong proves it: the session's cursor moves past the offer.
      const offered = await b.engine.agentEvents('alice');
      const offerId = (offered as any).value.find((e: any) => e.kind === 'OFFERED' && e.sessionId === 'drop-1').id as number;
      await eventually(async () => ((await b.engine.sessions.find(token, 'xivo')) as any).value.cursor >= offerId, 5000, 'cursor past the offer');
      await next.settle();
      assert.equal(ringingOf(next, 'drop-1').length, 1, 'once');
      next.ws.terminate();

      const third = await open(token);
      await third.settle();
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(ringingOf(third, 'drop-1').length, 0, 'a client that received it never gets it twice');
    });

    it('events that happen while no socket is open arrive with the next one', async () => {
      const token = await xucLogin(b.url, 'alice', 'alice-pw');
      const first = await open(token);
      first.send('agentLogin', { agentphonenumber: '1001' });
      await first.next('AgentStateEvent', (m) => m.name === 'AgentReady');
      await first.settle();
      first.close();
      await new Promise((r) => setTimeout(r, 100));
      await soapStart(b, 'CHAT', 'away-1');
      const back = await open(token);
      await back.next('PhoneEvent', (m) => m.eventType === 'EventRinging' && m.uniqueId === 'away-1');
    });

    it('a reload that removes a user, or leaves it without a password, ends its XUC sessions and sockets', async () => {
      const aliceToken = await xucLogin(b.url, 'alice', 'alice-pw');
      const daveToken = await xucLogin(b.url, 'dave', 'dave-pw');
      const bobToken = await xucLogin(b.url, 'bob', 'bob-pw');
      const alice = await open(aliceToken);
      const dave = await open(daveToken);
      const bob = await open(bobToken);
      const closed = (c: XucClient) => new Promise<void>((resolve) => (c.ws.readyState === c.ws.CLOSED ? resolve() : c.ws.once('close', () => resolve())));
      const config = (agents: unknown[]) => parseConfig({ server: { port: 0, host: '127.0.0.1' }, embedded: { ...FACES_EMBEDDED, agents } }, 'test');
      await b.reload(
        config(
          FACES_EMBEDDED.agents
            .filter((a) => a.username !== 'dave')
            .map((a) => {
              if (a.username !== 'alice') return a;
              const { password: _gone, ...rest } = a;
              return rest;
            }),
        ),
      );
      try {
        // The quiet sockets are found by the sweep; a command would find them at once.
        await Promise.all([closed(alice), closed(dave)]);
        for (const token of [aliceToken, daveToken]) {
          const check = await http('GET', `${b.url}/xuc/api/2.0/auth/check`, undefined, { Authorization: `Bearer ${token}` });
          assert.equal(check.body.error, 'TokenExpired');
          assert.equal(((await b.engine.sessions.find(token, 'xivo')) as any).ok, false, 'the session is gone from the store');
        }
        const again = await XucClient.connect(b.url, aliceToken);
        assert.deepEqual(await again.next('LoggedOnError'), { Error: 'loggedOnFailed' });
        assert.equal(bob.ws.readyState, bob.ws.OPEN, 'the others carry on');
        bob.send('getList', { objectType: 'agent' });
        await bob.next('AgentList');
      } finally {
        await b.reload(config(FACES_EMBEDDED.agents));
      }
    });
  });

  it('failed token logins and bad socket tokens go through the shared throttle', async () => {
    const b = await startFacesBridge({ security: { authFailures: { perIp: 4, perUsername: 2, windowSeconds: 60 } } });
    try {
      const login = (password: string) => http('POST', `${b.url}/xuc/api/2.0/auth/login`, { login: 'alice', password });
      assert.deepEqual([(await login('guess-1')).status, (await login('guess-2')).status], [401, 401]);
      const locked = await login('alice-pw');
      assert.equal(locked.status, 429, 'the username is spent: even the right password waits');
      assert.ok(Number(locked.headers.get('retry-after')) >= 1);
      assert.equal(locked.body.error, 'UnhandledError');
      // Two bad tokens on the socket spend the IP's budget (4)...
      for (const token of ['guess-a', 'guess-b'])
        assert.deepEqual(await (await XucClient.connect(b.url, token)).next('LoggedOnError'), { Error: 'loggedOnFailed' });
      // ...and the next upgrade is refused before its token is looked at.
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${b.url.replace(/^http/, 'ws')}/xuc/api/2.0/cti?token=guess-c`);
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => reject(new Error('opened')));
        ws.once('error', () => undefined);
      });
      assert.equal(status, 429);
      assert.equal((await http('POST', `${b.url}/xuc/api/2.0/auth/login`, { login: 'bob', password: 'bob-pw' })).status, 429, 'the IP is spent for everyone');
    } finally {
      await b.close();
    }
  });

  it('the request budget counts per authenticated user, whatever address it comes from', async () => {
    // Behind a trusted proxy each request here comes from another address: the bridge's per-address
    // budget never bites, so a refusal is the face's own, per user.
    const b = await startFacesBridge({ server: { port: 0, host: '127.0.0.1', trustProxy: true }, security: { rateLimit: { requestsPerSecond: 1, burst: 2 } } });
    try {
      let n = 0;
      const login = async (user: string) =>
        (await http('POST', `${b.url}/xuc/api/2.0/auth/login`, { login: user, password: `${user}-pw` }, { 'X-Forwarded-For': `10.0.0.${++n}` })).status;
      assert.deepEqual([await login('alice'), await login('alice'), await login('alice')], [200, 200, 429]);
      assert.equal(await login('bob'), 200, 'bob has his own budget');
    } finally {
      await b.close();
    }
  });
});
