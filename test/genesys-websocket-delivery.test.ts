import assert from 'node:assert/strict';
import { adapt } from 'cometd-nodejs-client';
import { AckExtension, CometD, type Message } from 'cometd';
import { embeddedCenter } from '../src/backends/contact-center.js';
import { parseConfig } from '../src/config/index.js';
import { createLogger } from '../src/log/logger.js';
import { startBridge, type RunningBridge } from '../src/server.js';
import type { TestBridge } from './support/bridge.js';
import { basic, eventually, FACES_EMBEDDED, http, logoutEveryone, soapStart, startFacesBridge } from './support/agent-faces.js';
import { tcpRelay } from './support/tcp-relay.js';

adapt(); // XMLHttpRequest and WebSocket for the CometD client in Node

type Note = { channel: string; data: any };

type Transport = 'websocket' | 'long-polling';

/**
 * A GWS desktop's notification side on one CometD transport only: the real `cometd` client
 * (9.0.0) with its AckExtension registered as the CometD docs show. On the WebSocket, the Node
 * client sends no request headers, so the credentials ride in the URL, which `ws` sends as HTTP
 * Basic on the upgrade (a browser sends the JSESSIONID cookie instead); long polls carry them
 * in the request headers.
 */
class AckDesktop {
  readonly notes: Note[] = [];
  readonly cometd = new CometD();
  /** Every handshake the client made (a client the server forgot makes a new one). */
  handshakes = 0;

  private constructor(url: string, user: string, password: string, transport: Transport) {
    for (const t of ['websocket', 'long-polling', 'callback-polling']) if (t !== transport) this.cometd.unregisterTransport(t);
    const u = new URL(`${url}/api/v2/notifications`);
    if (transport === 'websocket') {
      u.username = user;
      u.password = password;
    }
    this.cometd.configure({ url: u.href, requestHeaders: { Authorization: basic(user, password) }, logLevel: 'warn' });
    this.cometd.registerExtension('ack', new AckExtension());
    this.cometd.addListener('/meta/handshake', (m: Message) => {
      if (m.successful) this.handshakes += 1;
    });
  }

  /** Subscribes on every successful handshake, as the CometD docs advise: a client the server forgot handshakes anew. */
  static async open(url: string, user: string, password: string, topics: string[], transport: Transport = 'websocket'): Promise<AckDesktop> {
    const d = new AckDesktop(url, user, password, transport);
    await new Promise<void>((resolve, reject) => {
      d.cometd.addListener('/meta/handshake', (reply: Message) => {
        if (!reply.successful) return reject(new Error(`handshake failed: ${JSON.stringify(reply)}`));
        if (d.cometd.getTransport()?.type !== transport) return reject(new Error(`not on the ${transport} transport`));
        d.cometd.batch(() => {
          for (const t of topics) d.cometd.subscribe(t, (m: Message) => d.notes.push({ channel: m.channel, data: m.data }));
        });
      });
      let left = topics.length;
      d.cometd.addListener('/meta/subscribe', (sub: Message) => {
        if (!sub.successful) return reject(new Error(JSON.stringify(sub)));
        if (--left === 0) resolve();
      });
      d.cometd.handshake();
    });
    return d;
  }

  next(match: (m: Note) => boolean, what: string, ms = 5000) {
    return eventually(() => this.notes.find(match), ms, what);
  }

  count(match: (m: Note) => boolean): number {
    return this.notes.filter(match).length;
  }

  close(): void {
    this.cometd.disconnect();
  }
}

const chat = (id: string, state?: string) => (m: Note) => m.data.chat?.id === id && (state === undefined || m.data.chat.state === state);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Genesys GWS exact delivery on the CometD WebSocket, and to a client faye forgot', () => {
  let b: TestBridge;
  /** Another bridge process on the same contact center, when a test starts one: it closes the engine, so last. */
  let other: RunningBridge | undefined;
  const alice = { Authorization: basic('alice', 'alice-pw') };
  const me = (on: { url: string }, operationName: string, extra: Record<string, unknown> = {}) =>
    http('POST', `${on.url}/api/v2/me`, { operationName, ...extra }, alice);
  const signIn = async (on: { url: string }) => {
    await me(on, 'StartContactCenterSession', { channels: ['chat'] });
    await me(on, 'Ready');
  };
  before(async () => {
    b = await startFacesBridge();
  });
  after(async () => {
    await other?.close(0);
    await b.close();
  });
  afterEach(() => logoutEveryone(b));

  it('with the ack extension, each event is one notification, in a /meta/connect answer; a new client after a goodbye is owed nothing', async () => {
    const d = await AckDesktop.open(b.url, 'alice', 'alice-pw', ['/v2/me/*']);
    const batches: number[] = [];
    d.cometd.addListener('/meta/connect', (m: Message) => {
      if (m.ext && 'ack' in m.ext && typeof m.ext.ack === 'number') batches.push(m.ext.ack);
    });
    try {
      await signIn(b);
      await soapStart(b, 'CHAT', 'ws-once');
      await d.next(chat('ws-once', 'Invited'), 'the offer');
      assert.deepEqual((await http('POST', `${b.url}/api/v2/me/chats/ws-once`, { operationName: 'Accept' }, alice)).body, { statusCode: 0 });
      await d.next(chat('ws-once', 'Chatting'), 'Chatting');
      await pause(1000); // further connects bring no copy
      const ofChat = d.notes.filter((m) => m.channel === '/v2/me/chats').map((m) => m.data.chat.state);
      assert.deepEqual(ofChat, ['Invited', 'Chatting']);
      assert.equal(
        d.count((m) => m.channel === '/v2/me/interactions' && m.data.interaction.id === 'ws-once'),
        2,
      );
      // StartContactCenterSession and Ready: a device state each, or one when the login's is read after
      // Ready (the face reports the state as it is); never the same state twice.
      const devices = d.notes.filter((m) => m.channel === '/v2/me/devices').map((m) => JSON.stringify(m.data));
      assert.ok(devices.length >= 1 && devices.length <= 2, devices.join('\n'));
      assert.equal(new Set(devices).size, devices.length);
      assert.ok(batches.length >= 3, 'the server numbers its /meta/connect answers (ext.ack)');
    } finally {
      d.close();
    }
    await me(b, 'NotReady'); // while no client is there
    const next = await AckDesktop.open(b.url, 'alice', 'alice-pw', ['/v2/me/*']);
    try {
      await pause(1000);
      assert.deepEqual(next.notes, [], 'a client that came after a goodbye gets nothing from before it');
    } finally {
      next.close();
    }
  });

  it('a notification written to the WebSocket and lost on the way comes again, once, after the client reconnects', async () => {
    const net = await tcpRelay(Number(new URL(b.url).port));
    const d = await AckDesktop.open(net.url, 'alice', 'alice-pw', ['/v2/me/chats']);
    try {
      await signIn(b);
      await pause(300); // the client's /meta/connect is held now
      const lost = net.swallowNext(); // the frame carrying the offer never reaches the client
      await soapStart(b, 'CHAT', 'ws-lost');
      await lost;
      await d.next(chat('ws-lost', 'Invited'), 'the offer again', 10_000);
      assert.equal(d.handshakes, 1, 'the same client, reconnected');
      await pause(1500);
      assert.equal(d.count(chat('ws-lost')), 1);
      assert.deepEqual((await http('POST', `${b.url}/api/v2/me/chats/ws-lost`, { operationName: 'Accept' }, alice)).body, { statusCode: 0 });
      await d.next(chat('ws-lost', 'Chatting'), 'Chatting');
      assert.equal(d.count(chat('ws-lost')), 2);
    } finally {
      d.close();
      net.close();
    }
  });

  it('a WebSocket the network cuts while its /meta/connect is held loses nothing', async () => {
    const net = await tcpRelay(Number(new URL(b.url).port));
    const d = await AckDesktop.open(net.url, 'alice', 'alice-pw', ['/v2/me/chats']);
    try {
      await signIn(b);
      await pause(300);
      net.drop(); // both sides see the socket close
      await soapStart(b, 'CHAT', 'ws-cut');
      await d.next(chat('ws-cut', 'Invited'), 'the offer after the cut', 10_000);
      await pause(1500);
      assert.equal(d.count(chat('ws-cut')), 1);
    } finally {
      d.close();
      net.close();
    }
  });

  for (const transport of ['websocket', 'long-polling'] as const) {
    it(`a client faye forgot (another bridge process takes its reconnect) gets, once, what its predecessor had not acknowledged (${transport})`, async () => {
      // A second bridge on the same contact center, as a cluster member behind one address: its faye
      // never knew the client, which handshakes anew there on the same agent session.
      const config = parseConfig({ server: { port: 0, host: '127.0.0.1' }, embedded: FACES_EMBEDDED }, 'test');
      other ??= await startBridge(config, { logger: createLogger({ level: 'error', stdout: false, silent: true }), center: embeddedCenter(b.engine) });
      const net = await tcpRelay(Number(new URL(b.url).port));
      const d = await AckDesktop.open(net.url, 'alice', 'alice-pw', ['/v2/me/chats'], transport);
      const [first, second] = [`${transport}-first`, `${transport}-second`];
      try {
        await signIn(b);
        await soapStart(b, 'CHAT', first);
        await d.next(chat(first, 'Invited'), 'the first offer');
        await pause(500); // the next /meta/connect acknowledged it
        net.to(Number(new URL(other.url).port));
        const lost = net.swallowNext(); // the answer carrying the second offer never reaches the client
        await soapStart(b, 'CHAT', second);
        await lost;
        net.drop(); // nor does any other request of it reach the first bridge again
        await d.next(chat(second, 'Invited'), 'the second offer, from the other bridge', 15_000);
        assert.equal(d.handshakes, 2, 'the other bridge did not know the client: it handshook anew');
        await pause(1500);
        assert.equal(d.count(chat(first)), 1, 'what was acknowledged is not sent again');
        assert.equal(d.count(chat(second)), 1);
        assert.deepEqual((await http('POST', `${other.url}/api/v2/me/chats/${second}`, { operationName: 'Accept' }, alice)).body, { statusCode: 0 });
        await d.next(chat(second, 'Chatting'), 'Chatting, live from the other bridge');
        await pause(500);
        assert.equal(d.count(chat(second)), 2);
      } finally {
        d.close();
        await pause(200); // the goodbye reaches the other bridge
        net.close();
      }
    });
  }
});
