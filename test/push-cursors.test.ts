import assert from 'node:assert/strict';
import type { Store } from '../src/store/index.js';
import { freshStore, storeKinds } from './support/engine.js';

/**
 * The webhooks' cursors on the change feed, at the store: where a new one starts, that a leased one
 * is skipped, that it never moves back, and that the purge keeps what a cursor has not passed.
 */
for (const kind of storeKinds) {
  describe(`push cursors on ${kind}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = (await freshStore(kind)).store;
      await store.migrate({ channels: [{ id: 1003, services: [{ code: 'CHAT', enabled: true, outOfService: false }] }], avgHandleSeconds: 300 });
    });
    afterEach(() => store.close());

    const change = (sessionId: string, at: number) => ({ sessionId, channelId: 1003, serviceId: 'CHAT', status: 'NEW' as const, customMessage: '', at });
    const append = (sessionId: string, at = 1000) => store.tx((tx) => tx.changeLog().append(change(sessionId, at)));
    const read = (now = 5000) => store.tx((tx) => tx.changeLog().cursors.read('crm', 1003, now, 100));

    it('a new cursor starts at the newest change; a leased one is skipped until its lease runs out; it never moves back', async () => {
      const old = await append('before');
      await store.tx((tx) => tx.changeLog().cursors.start([{ name: 'crm', channels: [1003] }]));
      assert.deepEqual((await read())?.from, old);
      assert.deepEqual((await read())?.changes, []);
      const next = await append('after');
      assert.deepEqual(
        (await read())?.changes.map((c) => c.seq),
        [next],
      );
      await store.tx((tx) => tx.changeLog().cursors.lease('crm', 1003, 10_000));
      assert.equal(await read(9_999), undefined, 'leased: another claim skips it');
      assert.deepEqual((await read(10_000))?.from, old, 'the lease ran out: read again from where it was');
      await store.tx((tx) => tx.changeLog().cursors.advance('crm', 1003, next));
      await store.tx((tx) => tx.changeLog().cursors.advance('crm', 1003, old)); // a late process whose lease ran out
      assert.equal((await read())?.from, next);
    });

    it('a start drops the cursors of subscribers no longer listed, and of channels no longer covered', async () => {
      await store.tx((tx) => tx.changeLog().cursors.start([{ name: 'crm', channels: [1003] }]));
      await store.tx((tx) => tx.changeLog().cursors.start([{ name: 'other', channels: [1003] }]));
      assert.equal(await read(), undefined);
      await store.tx((tx) => tx.changeLog().cursors.start([{ name: 'crm', channels: [1, 1003] }]));
      assert.notEqual(await read(), undefined);
      await store.tx((tx) => tx.changeLog().cursors.start([{ name: 'crm', channels: [1] }]));
      assert.equal(await read(), undefined);
    });

    it('the purge keeps the changes a cursor has not passed, and those waiting in the outbox', async () => {
      await store.tx((tx) => tx.changeLog().cursors.start([{ name: 'crm', channels: [1003] }]));
      const a = await append('a');
      const b = await append('b');
      const c = await append('c');
      const seqs = () => store.read(async (tx) => (await tx.changeLog().after(0, { channelId: 1003, serviceIds: [] }, 100)).map((x) => x.seq));
      await store.tx((tx) => tx.changeLog().purge(2000));
      assert.deepEqual(await seqs(), [a, b, c], 'the cursor has passed none of them');
      await store.tx(async (tx) => {
        const log = tx.changeLog();
        const [first] = (await log.cursors.read('crm', 1003, 5000, 1))?.changes ?? [];
        await log.queue([{ subscriber: 'crm', change: first!, attempts: 1, nextAt: 9000, error: 'answered 500' }]);
        await log.cursors.advance('crm', 1003, c);
      });
      await store.tx((tx) => tx.changeLog().purge(2000));
      assert.deepEqual(await seqs(), [a], 'passed and delivered: purged; passed but waiting in the outbox: kept');
    });
  });
}
