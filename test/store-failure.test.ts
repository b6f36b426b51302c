import assert from 'node:assert/strict';
import { EmbeddedEngine } from '../src/backends/embedded/index.js';
import { PostgresStore, SqliteStore } from '../src/store/index.js';
import { startTestBridge, type TestBridge } from './support/bridge.js';
import { databaseUrl, embeddedConfig, freshDatabase, freshStore, storeKinds } from './support/engine.js';
import { LEAKS } from './support/load.js';
import { outage, ownsPostgres } from './support/postgres.js';
import { mcc, spawnBridge, writeConfig } from './support/process.js';

/** What the bridge answers when its store fails, and what it picks up again after a restart. */
describe('when the store fails', () => {
  let b: TestBridge;
  let sessionId: string;
  before(async () => {
    b = await startTestBridge();
    sessionId = (await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT' })).sessionId;
    await b.engine.agentLogin('alice', [1003]);
    await b.engine.store.close(); // the database goes away under a running bridge
  });
  after(() => b.close());

  it('calls it cannot store answer DATABASE_ERROR / LOGOUT_DATABASE_ERROR, never a 5xx', async () => {
    const cases: Array<[Parameters<TestBridge['rest']>[0], Record<string, string>, string]> = [
      ['startSession', { channelId: '1003', serviceid: 'CHAT' }, 'DATABASE_ERROR'],
      ['closeSession', { sessionId: 'x' }, 'DATABASE_ERROR'],
      ['logoutAgentFromChannel', { channelId: '1003', agentUsername: 'alice' }, 'LOGOUT_DATABASE_ERROR'],
      ['sessionAccept', { sessionId: 'x' }, 'GENERIC'],
      ['getServiceState', { channelId: '1003', serviceCodes: 'CHAT' }, 'SERVICE_STATE_NOT_FOUND'],
    ];
    for (const [op, params, failReason] of cases) {
      const r = await b.rest(op, params);
      assert.deepEqual([r.httpStatus, r.result, r.failReason], [200, 'FAILED', failReason], `${op}: ${JSON.stringify(r)}`);
      assert.match(r.failReasonMessage, /session store failed/);
      assert.doesNotMatch(r.failReasonMessage, LEAKS, 'plain words for the client: no SQL, no driver text');
    }
    const soap = await b.soap('startSession', { channelId: 1003, serviceid: 'CHAT' });
    assert.equal(soap.failReason, 'DATABASE_ERROR');
  });

  it('checkSession answers UNKNOW: the session may well exist', async () => {
    const r = await b.rest('checkSessionState', { sessionId });
    assert.deepEqual([r.result, r.status], ['SUCCESS', 'UNKNOW']);
  });

  it('/readyz says not ready while /healthz still answers', async () => {
    const ready = await fetch(`${b.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { status: string }).status, 'not ready');
    assert.equal((await fetch(`${b.url}/healthz`)).status, 200);
  });
});

describe('readiness with a working store', () => {
  it('/readyz is 200', async () => {
    const b = await startTestBridge();
    try {
      assert.equal((await fetch(`${b.url}/readyz`)).status, 200);
    } finally {
      await b.close();
    }
  });
});

describe('a database that cannot be reached at start', () => {
  it('stops the bridge with a clear error that does not show the password', async () => {
    const config = writeConfig({ store: { kind: 'postgres', url: 'postgres://mcc:s3cret-pw@127.0.0.1:1/mcc' } });
    const started = spawnBridge(config);
    await assert.rejects(started, (e: Error) => {
      assert.match(e.message, /exited \(2\).*cannot start: the postgres session store is not usable/s);
      assert.doesNotMatch(e.message, /s3cret-pw/);
      return true;
    });
  });
});

for (const kind of storeKinds) {
  describe(`restart recovery on ${kind}`, () => {
    it('an offer that expired while no process ran goes back to the queue at the restart', async () => {
      const doc = {
        offerTimeoutSeconds: 0.2,
        channels: [{ id: 1003, license: 10, services: [{ code: 'CHAT' }] }],
        agents: [{ username: 'a', skills: ['CHAT'] }],
      };
      const { store, location } = await freshStore(kind);
      const first = new EmbeddedEngine(embeddedConfig(doc), store);
      await first.start();
      await first.agentLogin('a', [1003]);
      await first.agentReady('a');
      const created = await first.createInteraction({ channelId: 1003, serviceCode: 'CHAT', id: 'ringing' });
      assert.ok(created.ok);
      const booked = await first.placeInQueue('ringing');
      assert.equal(booked.ok && booked.value.status, 'BOOKED');
      await first.close(); // the process stops; nobody fires the timer
      await new Promise((r) => setTimeout(r, 300));

      const again = kind === 'sqlite' ? new SqliteStore(location) : new PostgresStore(databaseUrl(), { schema: location });
      const second = new EmbeddedEngine(embeddedConfig(doc), again);
      try {
        await second.start();
        const after = await second.getInteraction('ringing');
        assert.deepEqual(after.ok && [after.value.status, after.value.queuePosition], ['QUEUED', 1]);
        const agent = await second.agentState('a');
        assert.deepEqual(agent.ok && agent.value.channels.map((c) => [c.ready, c.load]), [[false, 0]]);
      } finally {
        await second.close();
      }
    });
  });
}

describe('a PostgreSQL outage under a running bridge', function () {
  this.timeout(60_000);

  it('answers DATABASE_ERROR and not ready while it lasts, and serves again when it is back', async function () {
    // Only a cluster this run started may be taken down (not one given by MCC_TEST_DATABASE_URL).
    if (!storeKinds.includes('postgres' as never) || !ownsPostgres()) this.skip();
    const url = await freshDatabase();
    const bridge = await spawnBridge(
      writeConfig({ store: { kind: 'postgres', url }, embedded: { channels: [{ id: 1003, license: 100, services: [{ code: 'CHAT' }] }] } }),
    );
    try {
      const before = await mcc(bridge.url, 'startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: 'before-outage' });
      assert.equal(before?.result, 'SUCCESS');
      assert.ok(outage('down'), 'the throwaway PostgreSQL of the test run');
      try {
        const during = await mcc(bridge.url, 'startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: 'during-outage' });
        assert.deepEqual([during?.result, during?.failReason], ['FAILED', 'DATABASE_ERROR']);
        assert.equal((await mcc(bridge.url, 'checkSession', { sessionId: 'before-outage' }))?.status, 'UNKNOW');
        assert.equal((await fetch(`${bridge.url}/readyz`)).status, 503);
      } finally {
        outage('up');
      }
      assert.equal((await fetch(`${bridge.url}/readyz`)).status, 200);
      assert.equal((await mcc(bridge.url, 'checkSession', { sessionId: 'before-outage' }))?.status, 'NEW', 'the session from before is still there');
      assert.equal(
        (await mcc(bridge.url, 'checkSession', { sessionId: 'during-outage' }))?.failReason,
        'INVALID_SESSION_ID',
        'the refused one was not half-made',
      );
      assert.equal((await mcc(bridge.url, 'startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: 'during-outage' }))?.result, 'SUCCESS');
    } finally {
      await bridge.kill();
    }
  });
});
