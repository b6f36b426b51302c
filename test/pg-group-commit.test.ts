import assert from 'node:assert/strict';
import pg from 'pg';
import { PostgresStore, type Store } from '../src/store/index.js';
import { newSessionRecord } from '../src/backends/interaction-view.js';
import { EmbeddedEngine } from '../src/backends/embedded/index.js';
import { databaseUrl, embeddedConfig, freshDatabase, freshStore } from './support/engine.js';
import { mcc, spawnBridge, writeConfig, type BridgeProcess } from './support/process.js';

/**
 * PostgreSQL commits startSessions in groups (src/store/pg-batch.ts), with the license claims
 * written at a batch's end: licenses stay exact across processes, a transaction of a batch fails
 * alone, and what is answered is committed.
 */
const session = (id: string) => newSessionRecord({ channelId: 1003, serviceCode: 'CHAT' }, id, Date.now());
const seed = { channels: [{ id: 1003, services: [{ code: 'CHAT', enabled: true, outOfService: false }] }], avgHandleSeconds: 300 };

/** A lockless transaction as startSession's: claim a license, then insert the session. */
const open = (store: Store, id: string, license: number) =>
  store.tx(
    async (tx) => {
      if (!(await tx.claimLicense(1003, license))) return 'no license';
      assert.ok(await tx.insertSession(session(id)));
      return 'opened';
    },
    { lockless: true },
  );

async function counts(db: pg.Client, schema = 'public'): Promise<{ sessions: number; active: number }> {
  const { rows } = await db.query<{ sessions: number; active: number }>(
    `SELECT (SELECT count(*)::int FROM ${schema}.sessions WHERE status <> 'CLOSED') AS sessions, (SELECT active FROM ${schema}.channels WHERE id = 1003) AS active`,
  );
  return rows[0] as { sessions: number; active: number };
}

describe('PostgreSQL group commit of startSession', function () {
  this.timeout(60_000);
  if (process.env.MCC_TEST_SKIP_POSTGRES === '1') return;

  describe('one store', () => {
    let store: PostgresStore;
    let schema: string;
    let db: pg.Client;
    beforeEach(async () => {
      const fresh = await freshStore('postgres');
      store = fresh.store as PostgresStore;
      schema = fresh.location;
      await store.migrate(seed);
      db = new pg.Client({ connectionString: process.env.MCC_TEST_DATABASE_URL });
      await db.connect();
    });
    afterEach(async () => {
      await store.close();
      await db.end();
    });

    it('numbers a batch’s change rows after its license claims: two processes’ batches never interleave their seqs on a channel, one change row per session', async () => {
      const config = embeddedConfig({ channels: [{ id: 1003, license: 100_000, services: [{ code: 'CHAT' }] }] });
      // Two stores on one schema, as two bridge processes: their batches run their statements at once.
      const other = new PostgresStore(databaseUrl(), { schema });
      const engines = [store, other].map((s) => new EmbeddedEngine(config, s));
      for (const e of engines) await e.start();
      await Promise.all(
        engines.flatMap((e, p) =>
          Array.from({ length: 8 }, async (_, wave) => {
            await new Promise((r) => setTimeout(r, wave * 2));
            await Promise.all(Array.from({ length: 40 }, (_, i) => e.createInteraction({ channelId: 1003, serviceCode: 'CHAT', id: `p${p}-w${wave}-${i}` })));
          }),
        ),
      );
      const { rows } = await db.query<{ lo: string; hi: string; n: number }>(
        `SELECT min(seq) AS lo, max(seq) AS hi, count(*)::int AS n FROM ${schema}.session_changes GROUP BY xmin::text ORDER BY min(seq)`,
      );
      assert.ok(rows.length > 2, 'several batches');
      assert.equal(
        rows.reduce((n, r) => n + r.n, 0),
        640,
      );
      for (let k = 1; k < rows.length; k++) assert.ok(Number(rows[k]!.lo) > Number(rows[k - 1]!.hi), `batch ranges interleave: ${JSON.stringify(rows)}`);
      const sessions = await db.query<{ n: number }>(`SELECT count(DISTINCT session_id)::int AS n FROM ${schema}.session_changes`);
      assert.equal(sessions.rows[0]?.n, 640);
      await engines[1]!.close();
    });

    it('transactions asked for together are committed in one transaction, and answered after it', async () => {
      await open(store, 'warm-up', 1000); // the first claim of a channel is counted at once, which is fine but not what this test is about
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => open(store, `together-${i}`, 1000)));
      assert.deepEqual(new Set(answers), new Set(['opened']));
      // Rows written by one transaction carry its id: one commit for the forty.
      const { rows } = await db.query(`SELECT count(DISTINCT xmin::text)::int AS n FROM ${schema}.sessions WHERE id LIKE 'together-%'`);
      assert.equal(rows[0].n, 1);
      assert.deepEqual(await counts(db, schema), { sessions: 41, active: 41 });
    });

    it('a transaction of a batch that fails fails alone: the others commit, its writes and its claim are undone', async () => {
      await open(store, 'warm-up', 1000);
      const failing = store.tx(
        async (tx) => {
          await tx.claimLicense(1003, 1000);
          await tx.insertSession(session('failing'));
          throw new Error('this one fails');
        },
        { lockless: true },
      );
      const duplicate = store.tx(async (tx) => (await tx.claimLicense(1003, 1000)) && tx.insertSession(session('warm-up')), { lockless: true });
      const others = Array.from({ length: 10 }, (_, i) => open(store, `other-${i}`, 1000));
      await assert.rejects(failing, /this one fails/);
      assert.equal(await duplicate, false);
      assert.deepEqual(new Set(await Promise.all(others)), new Set(['opened']));
      const { rows } = await db.query(`SELECT id FROM ${schema}.sessions WHERE id = 'failing'`);
      assert.equal(rows.length, 0);
      // The duplicate's claim committed with it (it returned, it did not throw): 1 + 10 + 1.
      assert.equal((await counts(db, schema)).active, 12);
    });

    it('claims that do not fit are counted one by one, exactly up to the license', async () => {
      await open(store, 'warm-up', 60);
      // Another process fills the channel behind this one's back: this store still believes 1 is open.
      await db.query(`UPDATE ${schema}.channels SET active = 50 WHERE id = 1003`);
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => open(store, `late-${i}`, 60)));
      assert.equal(answers.filter((a) => a === 'opened').length, 10);
      assert.equal((await counts(db, schema)).active, 60);
    });

    it('a lockless transaction may not lock a channel', async () => {
      await assert.rejects(
        store.tx((tx) => tx.lockChannel(1003), { lockless: true }),
        /lockless transaction asked for a channel lock/,
      );
    });
  });

  describe('two bridge processes', () => {
    let a: BridgeProcess | undefined;
    let b: BridgeProcess | undefined;
    let db: pg.Client | undefined;
    afterEach(async () => {
      await Promise.all([a?.kill(), b?.kill()]);
      await db?.end();
    });

    it('hammering one channel from both, licenses stay exact: never one over, NO_LICENSE for the rest, freed ones taken again', async () => {
      const url = await freshDatabase();
      const config = writeConfig({ store: { kind: 'postgres', url }, embedded: { channels: [{ id: 1003, license: 120, services: [{ code: 'CHAT' }] }] } });
      const both = await Promise.all([spawnBridge(config), spawnBridge(config)]);
      [a, b] = both;
      db = new pg.Client({ connectionString: url });
      await db.connect();
      const start = (i: number) => mcc(both[i % 2]?.url as string, 'startSession', { channelId: '1003', serviceid: 'CHAT' });
      const burst = async (n: number) => {
        const answers = await Promise.all(Array.from({ length: n }, (_, i) => start(i)));
        return answers.map((r) => String(r?.failReason ?? r?.result));
      };

      const first = await burst(300);
      assert.equal(first.filter((r) => r === 'SUCCESS').length, 120);
      assert.equal(first.filter((r) => r === 'NO_LICENSE').length, 180);
      assert.deepEqual(await counts(db), { sessions: 120, active: 120 });

      const { rows } = await db.query<{ id: string }>(`SELECT id FROM sessions ORDER BY id LIMIT 30`);
      for (const [i, { id }] of rows.entries()) assert.equal((await mcc(both[i % 2]?.url as string, 'closeSession', { sessionId: id }))?.result, 'SUCCESS');
      const second = await burst(100);
      assert.equal(second.filter((r) => r === 'SUCCESS').length, 30);
      assert.deepEqual(await counts(db), { sessions: 120, active: 120 });
    });
  });
});
