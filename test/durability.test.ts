import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, storeKinds, type StoreKind } from './support/engine.js';
import { mcc, mccPut, spawnBridge, writeConfig } from './support/process.js';

/**
 * An acknowledged write survives a crash: a load of startSession + setSessionData, the bridge
 * killed with SIGKILL in the middle of it, restarted on the same store; every call that was
 * answered SUCCESS is found, with its data.
 */
const storeConfig = async (kind: StoreKind) =>
  kind === 'sqlite' ? { kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'mcc-crash-')) } : { kind: 'postgres', url: await freshDatabase() };

const embedded = { channels: [{ id: 1003, license: 1_000_000, services: [{ code: 'CHAT' }] }] };

for (const kind of storeKinds) {
  describe(`crash safety on ${kind}`, function () {
    this.timeout(60_000);

    it('every write answered SUCCESS before a SIGKILL is there after the restart', async () => {
      const config = writeConfig({ store: await storeConfig(kind), embedded });
      const first = await spawnBridge(config);
      const started = new Set<string>();
      const withData = new Map<string, string>();
      let stop = false;
      const worker = async (w: number) => {
        for (let i = 0; !stop; i++) {
          const id = `crash-${w}-${i}`;
          const r = await mcc(first.url, 'startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: id, data: `start-${id}` });
          if (r?.result !== 'SUCCESS') return;
          started.add(id);
          const d = await mccPut(first.url, { sessionId: id, sessionData: `live-${id}` });
          if (d?.result !== 'SUCCESS') return;
          withData.set(id, `live-${id}`);
        }
      };
      const load = Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
      // Kill once a real load is under way, not at a quiet moment.
      while (withData.size < 300) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await first.kill('SIGKILL'), 'SIGKILL');
      stop = true;
      await load;

      const second = await spawnBridge(config);
      try {
        const missing: string[] = [];
        const wrong: string[] = [];
        for (const id of started) {
          const r = await mcc(second.url, 'checkSessionWithData', { sessionId: id });
          if (r?.result !== 'SUCCESS') missing.push(id);
          else if (withData.has(id) && r.sessionData !== withData.get(id)) wrong.push(id);
          else if (r.data !== `start-${id}`) wrong.push(id);
        }
        assert.deepEqual(missing, [], `${missing.length} of ${started.size} acknowledged sessions lost`);
        assert.deepEqual(wrong, [], `${wrong.length} sessions lost acknowledged data`);
        assert.ok(started.size >= 300);
      } finally {
        await second.kill();
      }
    });
  });
}
