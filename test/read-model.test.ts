import assert from 'node:assert/strict';
import { setImmediate as turnPasses } from 'node:timers/promises';
import type { EmbeddedEngine } from '../src/backends/embedded/index.js';
import type { Outcome } from '../src/reasons/index.js';
import { QueueIndex } from '../src/store/queue-index.js';
import { UNCACHED_METHODS, WritingTx } from '../src/store/read-model.js';
import { SqlTx } from '../src/store/sql.js';
import { SqliteStore, type SessionRecord, type Tx } from '../src/store/index.js';
import { embeddedConfig, freshStore } from './support/engine.js';
import { EmbeddedEngine as Engine } from '../src/backends/embedded/index.js';

/**
 * The SQLite store's read model (src/store/read-model.ts, queue-index.ts): what a poll reads from
 * memory is what the file says, after commits, rollbacks, failed batches, restarts and evictions.
 * The oracle is the SQL the model replaces (the row count of SqlTx.queuePosition, the row itself).
 */
const value = <T>(o: Outcome<T>): T => {
  if (!o.ok) assert.fail(`${o.reason}: ${o.message}`);
  return o.value;
};

/** The count the index replaces, run on the file inside a transaction. */
const countedPosition = (tx: Tx, s: SessionRecord) => SqlTx.prototype.queuePosition.call(tx, s);

const doc = {
  channels: [{ id: 1003, license: 100_000, services: [{ code: 'CHAT' }, { code: 'VIP' }] }],
  agents: [{ username: 'ann', skills: ['CHAT', 'VIP'], capacity: 3 }],
};

async function open(store: SqliteStore): Promise<EmbeddedEngine> {
  const e = new Engine(embeddedConfig(doc), store);
  await e.start();
  return e;
}

/** Every session's place and status as the model answers them, and as the file says. */
async function both(store: SqliteStore, e: EmbeddedEngine, ids: readonly string[]) {
  const model = [];
  for (const id of ids) {
    const i = value(await e.getInteraction(id));
    model.push([id, i.status, i.queuePosition ?? 0]);
  }
  const file = await store.tx(async (tx) => {
    const out = [];
    for (const id of ids) {
      const s = (await SqlTx.prototype.getSession.call(tx, id)) as SessionRecord;
      out.push([id, s.status, s.status === 'QUEUED' ? await countedPosition(tx, s) : 0]);
    }
    return out;
  });
  return { model, file };
}

describe('read model coverage', () => {
  it('every SqlTx method is either known not to touch a cached table or overridden by the writing transaction', () => {
    const methods = Object.getOwnPropertyNames(SqlTx.prototype).filter((m) => m !== 'constructor');
    const unclassified = methods.filter((m) => !UNCACHED_METHODS.has(m) && !Object.hasOwn(WritingTx.prototype, m));
    assert.deepEqual(unclassified, [], 'a write the read model does not hear of would leave its caches stale');
    assert.deepEqual(
      [...UNCACHED_METHODS].filter((m) => !methods.includes(m)),
      [],
      'names that are no SqlTx method',
    );
  });
});

describe('queue index', () => {
  it('places, moves and undoes', () => {
    const q = new QueueIndex([]);
    const row = (id: string, seq: number, status = 'QUEUED', serviceCode = 'CHAT') => ({ id, channelId: 1, serviceCode, status, seq });
    q.record(row('a', 1));
    q.record(row('b', 2));
    q.record(row('c', 3));
    assert.deepEqual(
      [1, 2, 3].map((seq) => q.position(1, 'CHAT', seq)),
      [1, 2, 3],
    );
    const mark = q.mark();
    q.record(row('b', 2, 'BOOKED'));
    q.record(row('d', -1)); // sent back to the head
    q.record(row('c', 3, 'QUEUED', 'VIP'));
    assert.deepEqual([q.position(1, 'CHAT', -1), q.position(1, 'CHAT', 1), q.length(1, 'CHAT'), q.position(1, 'VIP', 3)], [1, 2, 2, 1]);
    q.undo(mark);
    assert.deepEqual([q.position(1, 'CHAT', 1), q.position(1, 'CHAT', 3), q.length(1, 'CHAT'), q.length(1, 'VIP')], [1, 3, 3, 0]);
  });
});

describe('SQLite read model', () => {
  let store: SqliteStore;
  let e: EmbeddedEngine;
  beforeEach(async () => {
    store = (await freshStore('sqlite')).store as SqliteStore;
    e = await open(store);
  });
  afterEach(() => e.close());

  it('answers what the file says through queueing, offers, rejections, transfers, returns and closes (seeded random walk)', async () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const ids: string[] = [];
    value(await e.agentLogin('ann', [1003]));
    for (let step = 0; step < 300; step++) {
      const pick = ids[random(Math.max(1, ids.length))];
      const op = random(8);
      if (op <= 2 || !pick) {
        const s = value(await e.createInteraction({ channelId: 1003, serviceCode: random(2) ? 'CHAT' : 'VIP' }));
        ids.push(s.id);
        await e.placeInQueue(s.id);
      } else if (op === 3) await e.complete(pick, 'caller');
      else if (op === 4) await e.agentReady('ann');
      else if (op === 5) await e.reject(pick, 'ann');
      else if (op === 6) await e.transfer(pick, 'ann', { serviceCode: random(2) ? 'CHAT' : 'VIP' });
      else await e.returnToQueue(pick, 'ann');
      if (step % 25 === 24) {
        const { model, file } = await both(store, e, ids);
        assert.deepEqual(model, file, `after step ${step}`);
      }
    }
    const { model } = await both(store, e, ids);
    assert.ok(model.filter(([, status]) => status === 'QUEUED').length > 10, 'the walk kept a queue');
  });

  it('a transaction that fails leaves neither its session nor its place behind, while the others of its batch commit', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(value(await e.placeInQueue(value(await e.createInteraction({ channelId: 1003, serviceCode: 'CHAT' })).id)).id);
    const before = await both(store, e, ids);
    // Two transactions asked in one turn share a batch: the first moves a session and fails, the second commits.
    const failing = store.tx(async (tx) => {
      const s = (await tx.getSession(ids[2] as string)) as SessionRecord;
      s.seq = -1_000; // to the head
      s.data = 'never committed';
      await tx.updateSession(s);
      assert.equal(await tx.queuePosition(s), 1, 'the transaction sees its own move');
      throw new Error('rolled back');
    });
    const committing = store.tx(async (tx) => {
      const s = (await tx.getSession(ids[0] as string)) as SessionRecord;
      s.status = 'CLOSED';
      s.closedAt = Date.now();
      await tx.updateSession(s);
    });
    await assert.rejects(failing, /rolled back/);
    await committing;
    const after = await both(store, e, ids);
    assert.deepEqual(after.model, after.file);
    assert.deepEqual(
      after.model.map(([, status, place]) => [status, place]),
      [
        ['CLOSED', 0],
        ['QUEUED', 1],
        ['QUEUED', 2],
      ],
    );
    assert.notDeepEqual(after.model, before.model);
    assert.equal(value(await e.getInteraction(ids[2] as string)).data, undefined, 'the cached session is the committed one');
  });

  it('rebuilds from the file after a restart, and stays right with a cache smaller than the sessions', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) {
      const s = value(await e.createInteraction({ channelId: 1003, serviceCode: 'CHAT', data: `n${i}` }));
      ids.push(s.id);
      if (i % 3 !== 0) await e.placeInQueue(s.id);
    }
    for (const id of ids.filter((_, i) => i % 7 === 0)) await e.complete(id, 'caller');
    const expected = (await both(store, e, ids)).file;
    await e.close();
    store = new SqliteStore(store.file, { sessionCache: 100 });
    e = await open(store);
    const { model, file } = await both(store, e, ids);
    assert.deepEqual(file, expected);
    assert.deepEqual(model, expected);
    assert.deepEqual(await Promise.all(ids.slice(0, 5).map(async (id) => value(await e.getInteraction(id)).data)), ['n0', 'n1', 'n2', 'n3', 'n4']);
  });
});

/**
 * A poll of a session the read model holds is answered from memory at once (Store.peek), without
 * waiting for its turn; never while a batch is committing, and with the answer a read would give.
 */
describe('SQLite read model: polls answered from memory', () => {
  let store: SqliteStore;
  let e: EmbeddedEngine;
  beforeEach(async () => {
    store = (await freshStore('sqlite')).store as SqliteStore;
    e = new Engine(
      embeddedConfig({
        channels: [{ id: 1003, license: 100, services: [{ code: 'CHAT' }, { code: 'NIGHT', hours: {}, closedMessage: 'We are closed.' }] }],
        agents: [
          { username: 'ann', skills: ['CHAT'], capacity: 3 },
          { username: 'bob', skills: ['CHAT'], capacity: 2 },
        ],
      }),
      store,
    );
    await e.start();
  });
  afterEach(() => e.close());

  const queued = async (serviceCode = 'CHAT') => value(await e.placeInQueue(value(await e.createInteraction({ channelId: 1003, serviceCode })).id)).id;
  /** A promise that settles when `open` is called. */
  const gate = () => {
    let open!: () => void;
    const closed = new Promise<void>((resolve) => (open = resolve));
    return { closed, open };
  };

  it('answers as a read does: place, expected wait from skilled logged-in staff and membership changes, the closed message', async () => {
    const ids = [await queued(), await queued(), await queued(), await queued()];
    const night = await queued('NIGHT');
    value(await e.agentLogin('ann', [1003]));
    value(await e.agentLogin('bob', [1003]));
    // The logins dropped the cached staff: the first polls read it through the store.
    const read = [];
    for (const id of [...ids, night]) read.push(value(await e.getInteraction(id)));
    assert.ok(store.peek()?.session(ids[3] as string), 'the sessions are in memory now');
    const fromMemory = [];
    for (const id of [...ids, night]) fromMemory.push(value(await e.getInteraction(id)));
    assert.deepEqual(fromMemory, read);
    assert.deepEqual(
      read.map((i) => i.queuePosition),
      [1, 2, 3, 4, 1],
    );
    assert.equal(read[4]?.serviceMessage, 'We are closed.');
    // Five places a turn: the fourth waits one.
    const one = read[0]?.expectedWaitSeconds as number;
    assert.ok(one > 0);
    assert.equal(read[3]?.expectedWaitSeconds, one);
    // Without bob the staff is ann's three: the fourth waits two turns, in memory as through a read.
    value(await e.setQueueMembership('bob', 'CHAT', -1));
    const fourth = value(await e.getInteraction(ids[3] as string));
    assert.equal(fourth.expectedWaitSeconds, 2 * one);
    assert.deepEqual(value(await e.getInteraction(ids[3] as string)), fourth);
  });

  it('answers at once, even while a slow read holds the turn', async () => {
    const id = await queued();
    value(await e.getInteraction(id));
    const slow = gate();
    const reading = store.read(() => slow.closed);
    const first = await Promise.race([e.getInteraction(id).then(() => 'answered'), turnPasses().then(() => 'waited')]);
    slow.open();
    await reading;
    assert.equal(first, 'answered');
  });

  it('waits while a batch commits, and never answers what it rolls back', async () => {
    const [a, b] = [await queued(), await queued()];
    assert.equal(value(await e.getInteraction(b)).queuePosition, 2);
    const inside = gate();
    const held = gate();
    const failing = store.tx(async (tx) => {
      const s = (await tx.getSession(a)) as SessionRecord;
      s.status = 'CLOSED';
      s.closedAt = Date.now();
      await tx.updateSession(s); // b is first in the index now, uncommitted
      inside.open();
      await held.closed;
      throw new Error('rolled back');
    });
    await inside.closed;
    assert.equal(store.peek(), undefined, 'nothing is answered from memory while a batch commits');
    let answered: number | undefined;
    const poll = e.getInteraction(b).then((o) => (answered = value(o).queuePosition));
    await turnPasses();
    assert.equal(answered, undefined, 'the poll waits for the batch');
    held.open();
    await assert.rejects(failing, /rolled back/);
    assert.equal(await poll, 2, 'and answers what is committed');
    assert.ok(store.peek(), 'memory answers again after the batch');
  });

  it('answers nothing from memory once the store is closed', async () => {
    const id = await queued();
    value(await e.getInteraction(id));
    await store.close();
    const after = await e.getInteraction(id);
    assert.equal(after.ok, false);
    assert.equal(!after.ok && after.reason, 'STORE_ERROR');
  });
});
