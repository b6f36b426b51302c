import assert from 'node:assert/strict';
import { openStream, until } from './support/push.js';
import { startSimulator, startVendorBridge, vendorBackend, type Simulator, type VendorBridge, type VendorKind } from './support/simulator.js';

/**
 * Push on a vendor backend: the bridge's store records the session changes that its calls and the
 * vendor's events make, as the engine's does, so a session's event stream (and the webhooks, which
 * read the same feed) follow a session on Genesys, Huawei and XiVO too. Against each vendor's
 * wire simulator, a separate process.
 */
for (const kind of ['genesys', 'huawei', 'xivo'] as VendorKind[]) {
  describe(`session events on a ${kind} backend`, function () {
    this.timeout(30_000);
    let sim: Simulator | undefined;
    let bridge: VendorBridge | undefined;
    afterEach(async () => {
      await bridge?.close(0);
      await sim?.kill();
    });

    it("a session's stream carries its changes, from the bridge's calls and the vendor's", async () => {
      sim = await startSimulator(kind);
      bridge = await startVendorBridge(vendorBackend(kind, sim));
      const started = await bridge.rest('startSession', { channelId: '1003', serviceid: 'CHAT' });
      assert.equal(started.result, 'SUCCESS');
      const stream = openStream(`${bridge.url}/mc/cxf/rest/json/events?sessionId=${started.sessionId}`);
      assert.equal((await stream.opened).status, 200);
      await until('the first change', () => stream.events.length >= 1);
      assert.equal((await bridge.rest('closeSession', { sessionId: started.sessionId, reason: 'REQUEST_FROM_CALLER' })).result, 'SUCCESS');
      await until('CLOSED', () => stream.events.some((e) => e.data.status === 'CLOSED'));
      stream.close();
      const seqs = stream.events.map((e) => e.id);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        'in order',
      );
      assert.ok(stream.events.every((e) => e.data.sessionId === started.sessionId && e.data.channelId === 1003 && e.data.serviceId === 'CHAT'));
      assert.equal(stream.events.at(-1)?.data.status, 'CLOSED');
    });
  });
}
