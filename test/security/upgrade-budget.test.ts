import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { TestBridge } from '../support/bridge.js';
import { startFacesBridge, xucLogin } from '../support/agent-faces.js';

/** The status an upgrade attempt is answered with (101 when the socket opened). */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => resolve(0));
  });
}

/** WebSocket upgrades spend the request budget like any request: a socket is no way around it. */
describe('security: WebSocket upgrades and the request budget', () => {
  let b: TestBridge;
  before(async () => {
    b = await startFacesBridge({ security: { rateLimit: { requestsPerSecond: 0.1, burst: 3 } } });
  });
  after(() => b.close());

  it('refuses upgrades past the budget with 429, on the XUC socket and on CometD', async () => {
    const ws = b.url.replace(/^http/, 'ws');
    const token = await xucLogin(b.url, 'alice', 'alice-pw');
    const xuc = [];
    for (let i = 0; i < 4; i++) xuc.push(await upgradeStatus(`${ws}/xuc/api/2.0/cti?token=${token}`));
    // The login spent alice's own budget, not the IP's: three sockets open, then 429.
    assert.deepEqual(xuc, [101, 101, 101, 429]);
    assert.equal(await upgradeStatus(`${ws}/api/v2/notifications`), 429);
  });
});
