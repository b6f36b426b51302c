import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { huaweiSignInRetcodes } from '../src/reasons/index.js';
import { http, guidOf } from './support/agent-faces.js';
import { freshDatabase, storeKinds } from './support/engine.js';
import { spawnBridge, writeConfig, type BridgeProcess } from './support/process.js';

/**
 * Concurrent Huawei sign-ins of one agent, through every process sharing the store (two on
 * PostgreSQL, the one SQLite allows): exactly one wins, its Guid works everywhere, the others are
 * told the agent has already signed in.
 */
const embedded = {
  channels: [
    { id: 1003, license: 100, services: [{ code: 'CHAT' }] },
    { id: 1, license: 10, mediaType: 'email', services: [{ code: 'MAIL' }] },
  ],
  agents: [{ username: 'alice', password: 'alice-pw', agentId: 201, line: '1001', skills: ['CHAT', 'MAIL'], capacity: { 1003: 2, 1: 1 } }],
};

for (const kind of storeKinds) {
  describe(`concurrent Huawei sign-ins of one agent on ${kind}`, function () {
    this.timeout(60_000);
    let bridges: BridgeProcess[] = [];
    afterEach(async () => {
      await Promise.all(bridges.map((b) => b.kill()));
      bridges = [];
    });

    it('exactly one of 20 loginex wins across the processes; its Guid works on each; the rest are "already signed in"', async () => {
      const store =
        kind === 'postgres' ? { kind: 'postgres', url: await freshDatabase() } : { kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'mcc-signin-')) };
      const config = writeConfig({ store, embedded, logging: { level: 'warn' } });
      bridges = await Promise.all(Array.from({ length: kind === 'postgres' ? 2 : 1 }, () => spawnBridge(config)));
      const gw = (i: number) => `${(bridges[i % bridges.length] as BridgeProcess).url}/agentgateway/resource`;

      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => http('PUT', `${gw(i)}/onlineagent/201/loginex`, { password: 'alice-pw' })));
        const codes = answers.map((r) => r.body.retcode as string);
        const winners = answers.filter((r) => r.body.retcode === '0');
        assert.equal(winners.length, 1, `round ${round}: ${codes.join(' ')}`);
        assert.deepEqual([...new Set(codes.filter((c) => c !== '0'))], [huaweiSignInRetcodes.AGENT_ALREADY_LOGGED_IN], codes.join(' '));
        const guid = guidOf(winners[0] ?? { headers: new Headers() });
        for (let i = 0; i < bridges.length; i++) {
          const status = await http('GET', `${gw(i)}/onlineagent/201/agentstatus`, undefined, { Guid: guid });
          assert.equal(status.body.retcode, '0', JSON.stringify(status.body));
          assert.equal(status.body.result.agentState, 4);
        }
        const out = await http('DELETE', `${gw(round)}/onlineagent/201/logout`, undefined, { Guid: guid });
        assert.equal(out.body.retcode, '0', JSON.stringify(out.body));
      }
    });
  });
}
