import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signature } from '../src/push/index.js';
import { freshDatabase, storeKinds, type StoreKind } from './support/engine.js';
import { mcc, spawnBridge, writeConfig, type BridgeProcess } from './support/process.js';
import { bySession, startReceiver, until, type Delivery, type Receiver } from './support/push.js';

/**
 * Webhooks end to end: bridges as child processes, the repository's receiver example as the real
 * receiver (it prints only deliveries whose MCC-Signature verifies), real kills of both.
 */
const SECRET = 'a-test-secret-of-enough-length';
const embedded = { channels: [{ id: 1003, license: 1_000_000, services: [{ code: 'CHAT' }] }] };
const storeConfig = async (kind: StoreKind) =>
  kind === 'sqlite' ? { kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'mcc-push-')) } : { kind: 'postgres', url: await freshDatabase() };
const pushConfig = (url: string) => ({
  webhooks: [{ name: 'receiver', url, secret: SECRET }],
  retry: { initialSeconds: 0.05, maxSeconds: 0.3 },
  timeoutSeconds: 2,
});

/** A session through NEW → QUEUED → CLOSED on one bridge; false if a call failed (a killed bridge). */
async function lifecycle(on: BridgeProcess, id: string): Promise<boolean> {
  if ((await mcc(on.url, 'startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: id }))?.result !== 'SUCCESS') return false;
  if ((await mcc(on.url, 'sessionAccept', { sessionId: id }))?.result !== 'SUCCESS') return false;
  return (await mcc(on.url, 'closeSession', { sessionId: id }))?.result === 'SUCCESS';
}

const FULL = ['NEW', 'QUEUED', 'CLOSED'];

/** mcc_webhook_attempts_total of one outcome, all subscribers together, as the bridge's /metrics says it. */
async function attempts(on: BridgeProcess, outcome: string): Promise<number> {
  const text = await (await fetch(`${on.url}/metrics`)).text();
  const lines = text.split('\n').filter((l) => l.startsWith('mcc_webhook_attempts_total{') && l.includes(`outcome="${outcome}"`));
  return lines.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** A receiver in this process that keeps each POST's parsed body, checking MCC-Signature as the example does. */
async function rawReceiver(): Promise<{ url: string; bodies: Array<{ path: string; changes: Delivery[] }>; forged: number; close(): Promise<void> }> {
  const r = { url: '', bodies: [] as Array<{ path: string; changes: Delivery[] }>, forged: 0, close: async () => {} };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      const t = Number(/t=(\d+)/.exec(String(req.headers['mcc-signature']))?.[1]);
      if (req.headers['mcc-signature'] !== signature(SECRET, body, t)) r.forged++;
      else {
        const parsed = JSON.parse(body) as Delivery | { changes: Delivery[] };
        r.bodies.push({ path: String(req.url), changes: 'changes' in parsed ? parsed.changes : [parsed] });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/raw`;
  r.close = () =>
    new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections(); // the bridge keeps its connections alive
    });
  return r;
}

/** The bridge's JSON log lines from now on, parsed, as they come. */
function logLines(on: BridgeProcess): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  on.child.stdout?.on('data', (d: Buffer) => {
    buffered += d;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p) as Record<string, unknown>);
  });
  return lines;
}

for (const kind of storeKinds) {
  describe(`webhooks on ${kind}`, function () {
    this.timeout(90_000);
    let receiver: Receiver | undefined;
    const bridges: BridgeProcess[] = [];
    afterEach(async () => {
      await Promise.all(bridges.splice(0).map((b) => b.kill('SIGKILL')));
      await receiver?.stop();
    });

    it('the receiver gets every change of each session, in order, signed', async () => {
      receiver = await startReceiver(SECRET);
      const bridge = await spawnBridge(writeConfig({ store: await storeConfig(kind), embedded, push: pushConfig(receiver.url) }));
      bridges.push(bridge);
      const ids = Array.from({ length: 10 }, (_, i) => `order-${i}`);
      await Promise.all(ids.map((id) => lifecycle(bridge, id)));
      await until('30 deliveries', () => (receiver as Receiver).received.length >= 30);
      const got = bySession(receiver.received);
      for (const id of ids) assert.deepEqual(got.get(id), FULL, id);
      const first = receiver.received[0];
      assert.equal(first?.channelId, 1003);
      assert.equal(first?.serviceId, 'CHAT');
      assert.match(String(first?.at), /^\d{4}-\d\d-\d\dT/);
      assert.equal(typeof first?.customMessage, 'string');
      // The receiver refuses what is not signed with the secret: arrivals above are verified ones.
      const body = JSON.stringify({ seq: 1 });
      const forged = await fetch(receiver.url, {
        method: 'POST',
        body,
        headers: { 'MCC-Signature': signature('another-secret-entirely', body, Math.floor(Date.now() / 1000)) },
      });
      assert.equal(forged.status, 401);
    });

    it('batching subscribers get up to `batch` changes per POST, signed as one body, each session in order', async () => {
      receiver = await startReceiver(SECRET); // the example: prints each change of a batch
      const raw = await rawReceiver();
      const push = {
        ...pushConfig(receiver.url),
        webhooks: [
          { name: 'receiver', url: receiver.url, secret: SECRET, batch: 5 },
          { name: 'raw', url: raw.url, secret: SECRET, batch: 7 },
        ],
      };
      const bridge = await spawnBridge(writeConfig({ store: await storeConfig(kind), embedded, push }));
      bridges.push(bridge);
      const ids = Array.from({ length: 20 }, (_, i) => `batch-${i}`);
      try {
        await Promise.all(ids.map((id) => lifecycle(bridge, id)));
        await until('60 deliveries to each', () => (receiver as Receiver).received.length >= 60 && raw.bodies.flatMap((b) => b.changes).length >= 60);
        for (const got of [bySession(receiver.received), bySession(raw.bodies.flatMap((b) => b.changes))]) {
          for (const id of ids) assert.deepEqual(got.get(id), FULL, id);
        }
        assert.ok(
          raw.bodies.every((b) => b.changes.length >= 1 && b.changes.length <= 7),
          'each POST carries 1 to 7 changes',
        );
        assert.ok(raw.bodies.length < 60, `60 changes in ${raw.bodies.length} POSTs: batched`);
        assert.equal(raw.forged, 0, 'every POST verified against its body');
        // Counted per change, for both subscribers, once stored (the round after the last answer).
        let delivered = 0;
        for (let i = 0; i < 100 && delivered < 120; i++) {
          delivered = await attempts(bridge, 'delivered');
          if (delivered < 120) await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(delivered, 120);
      } finally {
        await raw.close();
      }
    });

    it('each subscriber gets only what its channels, services and statuses cover', async () => {
      receiver = await startReceiver(SECRET);
      const raw = await rawReceiver();
      const hook = (name: string, filter: Record<string, unknown>) => ({ name, url: `${raw.url}/${name}`, secret: SECRET, ...filter });
      const push = {
        ...pushConfig(receiver.url),
        webhooks: [
          hook('all', {}),
          hook('closed', { statuses: ['CLOSED'] }),
          hook('queued-chat', { channels: [1003], services: ['CHAT'], statuses: ['QUEUED'] }),
          hook('voice', { channels: [1] }),
          hook('sales', { services: ['SALES'] }),
        ],
      };
      const bridge = await spawnBridge(writeConfig({ store: await storeConfig(kind), embedded, push }));
      bridges.push(bridge);
      const ids = Array.from({ length: 5 }, (_, i) => `filter-${i}`);
      try {
        await Promise.all(ids.map((id) => lifecycle(bridge, id)));
        const of = (name: string) => raw.bodies.filter((b) => b.path.endsWith(`/${name}`)).flatMap((b) => b.changes);
        await until('every change to all, and the filtered ones', () => of('all').length >= 15 && of('closed').length >= 5 && of('queued-chat').length >= 5);
        await new Promise((r) => setTimeout(r, 500)); // anything not covered would have come by now
        assert.deepEqual(new Set(of('closed').map((c) => c.status)), new Set(['CLOSED']));
        assert.deepEqual(new Set(of('queued-chat').map((c) => c.status)), new Set(['QUEUED']));
        assert.equal(of('closed').length, 5);
        assert.equal(of('queued-chat').length, 5);
        assert.deepEqual(of('voice'), []);
        assert.deepEqual(of('sales'), []);
      } finally {
        await raw.close();
      }
    });

    it('a SIGHUP applies the webhooks the file lists: one added gets the changes from then on, one removed gets no more', async () => {
      receiver = await startReceiver(SECRET);
      const store = await storeConfig(kind);
      const file = writeConfig({ store, embedded });
      const bridge = await spawnBridge(file);
      bridges.push(bridge);
      const log = logLines(bridge);
      const reloaded = async (n: number) => until(`reload ${n}`, () => log.filter((l) => l.message === 'configuration reloaded').length === n);
      assert.ok(await lifecycle(bridge, 'before'));
      writeConfig({ store, embedded, push: pushConfig(receiver.url) }, file);
      bridge.child.kill('SIGHUP');
      await reloaded(1);
      assert.ok(await lifecycle(bridge, 'added'));
      await until('the added subscriber gets the next session', () => (receiver as Receiver).received.length >= 3);
      writeConfig({ store, embedded }, file);
      bridge.child.kill('SIGHUP');
      await reloaded(2);
      assert.ok(await lifecycle(bridge, 'removed'));
      await new Promise((r) => setTimeout(r, 500)); // a delivery would have come by now
      assert.deepEqual([...bySession(receiver.received).keys()], ['added']);
      assert.deepEqual(bySession(receiver.received).get('added'), FULL);
    });

    it('a receiver down for a while gets everything once it is back', async () => {
      receiver = await startReceiver(SECRET);
      const bridge = await spawnBridge(writeConfig({ store: await storeConfig(kind), embedded, push: pushConfig(receiver.url) }));
      bridges.push(bridge);
      await receiver.stop();
      const ids = Array.from({ length: 5 }, (_, i) => `down-${i}`);
      for (const id of ids) assert.ok(await lifecycle(bridge, id));
      await new Promise((r) => setTimeout(r, 1000)); // several failed attempts each
      assert.equal(receiver.received.length, 0);
      // Each failed attempt was stored as a retry (counted only once stored), and storing them never
      // troubled the store: a fractional retry time once failed every retry on PostgreSQL (BIGINT),
      // which reported the whole store failing.
      assert.ok((await attempts(bridge, 'failed')) >= ids.length, 'failed attempts are stored as retries');
      assert.equal((await fetch(`${bridge.url}/readyz`)).status, 200);
      assert.equal((await mcc(bridge.url, 'checkSession', { sessionId: ids[0] as string }))?.result, 'SUCCESS');
      await receiver.start();
      await until(
        '15 deliveries',
        () => bySession((receiver as Receiver).received).size === 5 && [...bySession((receiver as Receiver).received).values()].every((s) => s.length === 3),
      );
      for (const id of ids) assert.deepEqual(bySession(receiver.received).get(id), FULL, id);
    });

    it('a bridge killed with SIGKILL mid-delivery loses nothing once restarted (duplicates keep their seq)', async () => {
      receiver = await startReceiver(SECRET);
      const config = writeConfig({ store: await storeConfig(kind), embedded, push: pushConfig(receiver.url) });
      const first = await spawnBridge(config);
      bridges.push(first);
      const ids = Array.from({ length: 60 }, (_, i) => `kill-${i}`);
      await receiver.stop();
      for (let i = 0; i < ids.length; i += 10) await Promise.all(ids.slice(i, i + 10).map((id) => lifecycle(first, id)));
      await receiver.start();
      await until('some deliveries', () => (receiver as Receiver).received.length >= 10);
      await first.kill('SIGKILL');
      assert.ok(receiver.received.length < ids.length * 3, 'killed before everything was delivered');
      bridges.push(await spawnBridge(config));
      await until('every change', () => [...bySession((receiver as Receiver).received).values()].flat().length === ids.length * 3, 30_000);
      const got = bySession(receiver.received);
      for (const id of ids) assert.deepEqual(got.get(id), FULL, id);
      // A duplicate is the same change again: same seq, same content.
      const bySeq = new Map<number, string>();
      for (const d of receiver.received) {
        const text = JSON.stringify(d);
        assert.equal(bySeq.get(d.seq) ?? text, text);
        bySeq.set(d.seq, text);
      }
    });

    it('dead-letters a change its receiver never takes, with a log line and a metric, and goes on with the next', async () => {
      receiver = await startReceiver(SECRET);
      // Signed with another secret: the receiver refuses every delivery (401).
      const push = {
        ...pushConfig(receiver.url),
        webhooks: [{ name: 'receiver', url: receiver.url, secret: 'not-the-receivers-secret' }],
        deadLetterAfterSeconds: 1,
      };
      const bridge = await spawnBridge(writeConfig({ store: await storeConfig(kind), embedded, push }));
      bridges.push(bridge);
      const log = logLines(bridge);
      assert.ok(await lifecycle(bridge, 'dead-1'));
      // NEW, QUEUED and CLOSED each dead-letter in turn: the session's next change is not held up for ever.
      await until('three dead letters', () => log.filter((l) => l.message === 'webhook dead-lettered').length >= 3, 30_000);
      const dead = log.filter((l) => l.message === 'webhook dead-lettered');
      assert.deepEqual(
        dead.map((l) => l.sessionId),
        ['dead-1', 'dead-1', 'dead-1'],
      );
      assert.match(String(dead[0]?.error), /answered 401/);
      assert.ok(Number(dead[0]?.attempts) >= 2, 'retried before it was given up');
      assert.equal(await attempts(bridge, 'dead_lettered'), 3);
      assert.equal(receiver.received.length, 0);
      assert.ok(!JSON.stringify(log).includes('not-the-receivers-secret'), 'the secret never reaches the log');
    });

    if (kind === 'postgres') {
      it('two bridge processes on one PostgreSQL never both deliver one change', async () => {
        receiver = await startReceiver(SECRET);
        const config = writeConfig({ store: await storeConfig(kind), embedded, push: pushConfig(receiver.url) });
        const [a, b] = await Promise.all([spawnBridge(config), spawnBridge(config)]);
        bridges.push(a, b);
        const ids = Array.from({ length: 40 }, (_, i) => `pair-${i}`);
        await Promise.all(ids.map((id, i) => lifecycle(i % 2 ? a : b, id)));
        await until('every change', () => (receiver as Receiver).received.length >= ids.length * 3);
        await new Promise((r) => setTimeout(r, 1500)); // a second delivery would have come by now
        const seqs = receiver.received.map((d) => d.seq);
        assert.equal(new Set(seqs).size, seqs.length, 'a change was delivered twice');
        const got = bySession(receiver.received);
        for (const id of ids) assert.deepEqual(got.get(id), FULL, id);
      });
    }
  });
}

describe('push configuration', () => {
  const hook = { name: 'r', url: 'http://127.0.0.1:9/hook', secret: SECRET };
  for (const [what, bad, message] of [
    ['a bad URL', { ...hook, url: 'ftp://example.com/hook' }, /push\.webhooks\[0\]\.url.*http:\/\/ or https:\/\//s],
    ['an empty secret', { ...hook, secret: '' }, /push\.webhooks\[0\]\.secret.*at least 16 characters/s],
    ['a batch of 0', { ...hook, batch: 0 }, /push\.webhooks\[0\]\.batch.*1 to 1000 changes per POST/s],
    ['a batch over 1000', { ...hook, batch: 1001 }, /push\.webhooks\[0\]\.batch.*1 to 1000 changes per POST/s],
    ['a fractional batch', { ...hook, batch: 2.5 }, /push\.webhooks\[0\]\.batch.*whole number/s],
    ['a batch given as a string', { ...hook, batch: '10' }, /push\.webhooks\[0\]\.batch.*whole number/s],
  ] as const) {
    it(`refuses ${what} at start, saying which key`, async () => {
      const config = writeConfig({ store: { kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'mcc-push-')) }, embedded, push: { webhooks: [bad] } });
      await assert.rejects(spawnBridge(config), message);
    });
  }
});
