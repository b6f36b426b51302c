import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapt } from 'cometd-nodejs-client';
import { CometD, type Message } from 'cometd';
import { once } from 'node:events';
import WebSocket from 'ws';
import { basic, eventually, FACES_EMBEDDED, http, XucClient, xucLogin, guidOf } from './support/agent-faces.js';
import { spawnBridge, writeConfig } from './support/process.js';

adapt(); // XMLHttpRequest and WebSocket for the CometD client in Node

const GRACE_SECONDS = 2;

/** A CometD client over long-polling, handshaken and subscribed (its /meta/connect long poll is then held by the bridge). */
async function longPolling(url: string): Promise<CometD> {
  const cometd = new CometD();
  cometd.unregisterTransport('websocket');
  cometd.configure({ url: `${url}/api/v2/notifications`, requestHeaders: { Authorization: basic('alice', 'alice-pw') }, logLevel: 'warn' });
  await new Promise<void>((resolve, reject) => {
    cometd.handshake((reply: Message) => {
      if (!reply.successful) return reject(new Error(`handshake failed: ${JSON.stringify(reply)}`));
      cometd.subscribe(
        '/v2/me/*',
        () => undefined,
        (sub: Message) => (sub.successful ? resolve() : reject(new Error(JSON.stringify(sub)))),
      );
    });
  });
  return cometd;
}

/**
 * Bayeux over a WebSocket, spoken by hand: the CometD library's Node WebSocket sends no
 * Authorization header. Handshaken and connected, so the bridge holds its /meta/connect.
 */
async function cometdSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v2/notifications`, { headers: { Authorization: basic('alice', 'alice-pw') } });
  const replies: Array<Record<string, any>> = [];
  ws.on('message', (raw) => replies.push(...(JSON.parse(String(raw)) as Array<Record<string, any>>)));
  await once(ws, 'open');
  ws.send(JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['websocket'] }]));
  const handshake = await eventually(() => replies.find((m) => m.channel === '/meta/handshake'), 5000, 'handshake');
  assert.equal(handshake.successful, true, JSON.stringify(handshake));
  const connect = (id: number) =>
    ws.send(JSON.stringify([{ id: String(id), channel: '/meta/connect', clientId: handshake.clientId, connectionType: 'websocket', advice: { timeout: 0 } }]));
  connect(1);
  await eventually(() => replies.find((m) => m.channel === '/meta/connect'), 5000, 'first connect');
  connect(2); // held until there is news, or until the bridge stops
  return ws;
}

describe('SIGTERM with agents connected', function () {
  this.timeout(30_000);

  it(`ends CometD long polls and WebSockets, the XUC socket and Huawei event polls within the grace (${GRACE_SECONDS} s)`, async () => {
    const config = writeConfig({
      server: { host: '127.0.0.1', port: 0, shutdownGraceSeconds: GRACE_SECONDS },
      store: { kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'mcc-shutdown-')) },
      embedded: FACES_EMBEDDED,
      // Every wait of the faces is longer than the grace, so only a shutdown that ends them passes.
      faces: { huawei: { pollWaitSeconds: 30 } },
    });
    const bridge = await spawnBridge(config);
    const polling = await longPolling(bridge.url);
    const socket = await cometdSocket(bridge.url);
    const socketClosed = once(socket, 'close');
    const xuc = await XucClient.connect(bridge.url, await xucLogin(bridge.url, 'bob', 'bob-pw'));
    const gw = `${bridge.url}/agentgateway/resource`;
    const signed = await http('PUT', `${gw}/onlineagent/203/loginex`, { password: 'dave-pw' });
    assert.equal(signed.body.retcode, '0', JSON.stringify(signed.body));
    const guid = guidOf(signed);
    // The sign-in's own events come at once; then a poll is held (until an event, or 30 s).
    for (let i = 0; i < 2; i++) {
      const r = await http('GET', `${gw}/agentevent/203`, undefined, { Guid: guid });
      assert.ok(r.body.event, JSON.stringify(r.body));
    }
    const poll = fetch(`${gw}/agentevent/203`, { headers: { Guid: guid } }).then(
      (r) => r.status,
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 300)); // every wait is held by the bridge now

    const started = Date.now();
    const exited = bridge.kill('SIGTERM');
    const code = await exited;
    const took = Date.now() - started;
    assert.ok(took < GRACE_SECONDS * 1000, `the bridge took ${took} ms to exit, past the ${GRACE_SECONDS} s grace`);
    assert.equal(code, 0);
    assert.equal(await poll, 200, 'the Huawei poll is answered (empty), not cut');
    await socketClosed;
    polling.disconnect();
    xuc.close();
  });
});
