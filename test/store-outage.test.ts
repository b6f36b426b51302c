import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freshDatabase, storeKinds } from './support/engine.js';
import { LEAKS, SessionLoad, outageLines, readyStatus, recoveryLines, waitFor } from './support/load.js';
import { outage, ownsPostgres } from './support/postgres.js';
import { mcc, spawnBridge, writeConfig, type BridgeProcess } from './support/process.js';

/**
 * What the bridge's store depends on fails under load, in real bridge processes: the bridge
 * stays up, answers DATABASE_ERROR (never SUCCESS for what is not durable), says not ready, logs
 * the cause once, and serves again by itself when the failure ends.
 */
const embedded = { channels: [{ id: 1003, license: 1_000_000, services: [{ code: 'CHAT' }] }] };

const alive = (p: BridgeProcess) => {
  let gone: number | string | null | undefined;
  void p.exited.then((code) => (gone = code));
  return () => gone;
};

/** Every store failure answer of a load: DATABASE_ERROR with a plain message. */
function assertPlainFailures(load: SessionLoad): void {
  for (const a of load.answers.filter((x) => x.result !== 'SUCCESS')) {
    assert.deepEqual([a.result, a.failReason], ['FAILED', 'DATABASE_ERROR'], JSON.stringify(a));
    assert.doesNotMatch(a.failReasonMessage ?? '', LEAKS, JSON.stringify(a));
  }
}

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;

describe('two bridge processes on PostgreSQL through a crash-restart of the server (pg_ctl -m immediate)', function () {
  this.timeout(120_000);

  it('stay up, answer DATABASE_ERROR / UNKNOW and 503 while it is down, acknowledge only what is committed, and recover by themselves', async function () {
    if (!storeKinds.includes('postgres' as never) || !ownsPostgres()) this.skip();
    const url = new URL(await freshDatabase());
    url.password = 's3cret-pg-pw'; // the server trusts loopback; the bridge must not log it anyway
    const dir = mkdtempSync(join(tmpdir(), 'mcc-pg-outage-'));
    const logs = [join(dir, 'a.log'), join(dir, 'b.log')];
    const procs = await Promise.all(
      logs.map((file) => spawnBridge(writeConfig({ store: { kind: 'postgres', url: url.toString() }, embedded, logging: { level: 'info', file } }))),
    );
    const exits = procs.map(alive);
    const loads = procs.map((p, i) => new SessionLoad(p.url, `pg${i}`));
    let down = false;
    try {
      await waitFor('load on both', () => loads.every((l) => l.succeeded().length >= 50));
      const known = loads[0]!.succeeded()[0]!;
      assert.ok(outage('down', 'immediate'));
      down = true;
      for (const p of procs) await waitFor('/readyz 503', async () => (await readyStatus(p.url)) === 503, 10_000);
      await new Promise((r) => setTimeout(r, 1500)); // the load keeps hitting the dead server
      assert.equal((await mcc(procs[1]!.url, 'checkSession', { sessionId: known }))?.status, 'UNKNOW');
      for (const p of procs) assert.equal(await readyStatus(p.url), 503, 'still not ready');
      const marks = loads.map((l) => l.sent);
      assert.ok(outage('up'));
      down = false;
      for (const p of procs) await waitFor('/readyz 200 again', async () => (await readyStatus(p.url)) === 200);
      await waitFor('SUCCESS again on both', () => loads.every((l, i) => l.succeeded(marks[i]).length >= 20));
      await Promise.all(loads.map((l) => l.stop()));
      await new Promise((r) => setTimeout(r, 300)); // the log files flushed

      assert.deepEqual(
        exits.map((e) => e()),
        [undefined, undefined],
        'both processes are still running',
      );
      for (const l of loads) {
        assert.ok(
          l.answers.some((a) => a.failReason === 'DATABASE_ERROR'),
          'the outage was felt',
        );
        assertPlainFailures(l); // no 'NO ANSWER': never a dropped connection or a 5xx
      }
      const db = new pg.Client({ connectionString: url.toString() });
      await db.connect();
      try {
        const stored = new Set((await db.query('SELECT id FROM sessions')).rows.map((r) => r.id as string));
        const lost = loads.flatMap((l) => l.succeeded()).filter((id) => !stored.has(id));
        assert.deepEqual(lost, [], 'every SUCCESS is committed');
      } finally {
        await db.end();
      }
      for (const file of logs) {
        const [line, ...more] = outageLines(file);
        assert.equal(more.length, 0, 'the outage is logged once');
        assert.equal(line?.level, 'error');
        assert.equal(line?.store, 'postgres');
        assert.match(String(line?.cause), /PostgreSQL/);
        assert.equal(recoveryLines(file).length, 1, 'and its end once');
        assert.doesNotMatch(readFileSync(file, 'utf8'), /s3cret-pg-pw/, 'no password in the log');
      }
    } finally {
      if (down) outage('up');
      await Promise.all(loads.map((l) => l.stop()));
      await Promise.all(procs.map((p) => p.kill()));
    }
  });
});

describe('a SQLite store whose files fail under a running bridge', function () {
  this.timeout(60_000);

  /** One outage line whose cause matches, and one recovery line. */
  async function assertLoggedOnce(log: string, cause: RegExp) {
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(outageLines(log).length, 1, 'logged once');
    assert.match(String(outageLines(log)[0]?.cause), cause);
    assert.equal(recoveryLines(log).length, 1);
  }

  /** kill -9, start again on the same files: every acknowledged session is there. Returns the new process. */
  async function assertNothingLost(p: BridgeProcess, load: SessionLoad, dataDir: string): Promise<BridgeProcess> {
    const acknowledged = load.succeeded();
    assert.equal(await p.kill('SIGKILL'), 'SIGKILL');
    const again = await spawnBridge(writeConfig({ store: { kind: 'sqlite', dataDir }, embedded }));
    const missing: string[] = [];
    for (const id of acknowledged) if ((await mcc(again.url, 'checkSession', { sessionId: id }))?.result !== 'SUCCESS') missing.push(id);
    assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged sessions lost`);
    return again;
  }

  async function bridgeOn(dataDir: string, log: string) {
    const p = await spawnBridge(writeConfig({ store: { kind: 'sqlite', dataDir }, embedded, logging: { level: 'info', file: log } }));
    return { p, exit: alive(p), load: new SessionLoad(p.url, 'sq') };
  }

  it('data directory deleted: noticed, every later write refused with DATABASE_ERROR, not ready, logged once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mcc-rm-'));
    const dataDir = join(root, 'data');
    const log = join(root, 'bridge.log');
    const { p, exit, load } = await bridgeOn(dataDir, log);
    try {
      await waitFor('load', () => load.succeeded().length >= 100);
      rmSync(dataDir, { recursive: true, force: true });
      const mark = load.sent;
      await waitFor('answers after the rm', () => load.sentAfter(mark).length >= 40);
      await load.stop();
      assert.deepEqual(load.succeeded(mark), [], 'nothing acknowledged into a deleted file');
      assertPlainFailures(load);
      assert.equal(await readyStatus(p.url), 503);
      assert.equal(exit(), undefined, 'still running');
      await new Promise((r) => setTimeout(r, 200));
      const lines = outageLines(log);
      assert.equal(lines.length, 1, 'logged once');
      assert.equal(lines[0]?.store, 'sqlite');
      assert.match(String(lines[0]?.cause), /deleted/);
    } finally {
      await load.stop();
      await p.kill();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('files made immutable (chattr +i): no SIGBUS, DATABASE_ERROR and 503 while it lasts, then serves again; nothing acknowledged is lost', async function () {
    const root = mkdtempSync(join(tmpdir(), 'mcc-ro-'));
    const dataDir = join(root, 'data');
    const log = join(root, 'bridge.log');
    const probe = join(root, 'probe');
    closeSync(openSync(probe, 'w'));
    if (!sh('chattr', ['+i', probe])) this.skip(); // needs root and a file system with the flag
    sh('chattr', ['-i', probe]);
    const files = () => readdirSync(dataDir).map((f) => join(dataDir, f));
    let { p, exit, load } = await bridgeOn(dataDir, log);
    try {
      await waitFor('load', () => load.succeeded().length >= 100);
      assert.ok(sh('chattr', ['+i', ...files()]));
      const mark = load.sent;
      await waitFor('answers while immutable', () => load.sentAfter(mark).length >= 40);
      assert.equal(exit(), undefined, 'still running');
      assert.deepEqual(load.succeeded(mark), [], 'nothing acknowledged that could not be written');
      assert.equal(await readyStatus(p.url), 503);
      assert.ok(sh('chattr', ['-i', ...files()]));
      const back = load.sent;
      await waitFor('/readyz 200 again', async () => (await readyStatus(p.url)) === 200);
      await waitFor('SUCCESS again', () => load.succeeded(back).length >= 20);
      await load.stop();
      assertPlainFailures(load);
      await assertLoggedOnce(log, /SQLite: .*SQLITE_/);
      p = await assertNothingLost(p, load, dataDir);
    } finally {
      sh('chattr', ['-i', ...files()]);
      await load.stop();
      await p.kill();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('disk full: DATABASE_ERROR and 503 while it lasts, logged once, serves again when space is back; nothing acknowledged is lost', async function () {
    const root = mkdtempSync(join(tmpdir(), 'mcc-full-'));
    if (!sh('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', root])) this.skip(); // needs root
    const dataDir = join(root, 'data');
    const log = join(tmpdir(), `mcc-full-${Date.now()}.log`);
    const filler = join(root, 'filler');
    let { p, exit, load } = await bridgeOn(dataDir, log);
    try {
      await waitFor('load', () => load.succeeded().length >= 100);
      const fd = openSync(filler, 'w');
      try {
        const block = Buffer.alloc(64 * 1024, 1);
        for (;;) writeSync(fd, block);
      } catch (e) {
        assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
      } finally {
        closeSync(fd);
      }
      const mark = load.sent;
      await waitFor('DATABASE_ERROR on a full disk', () => load.sentAfter(mark).some((a) => a.failReason === 'DATABASE_ERROR'));
      await waitFor('/readyz 503', async () => (await readyStatus(p.url)) === 503, 5000);
      assert.equal(exit(), undefined, 'still running');
      rmSync(filler);
      const back = load.sent;
      await waitFor('/readyz 200 again', async () => (await readyStatus(p.url)) === 200);
      await waitFor('SUCCESS again', () => load.succeeded(back).length >= 20);
      await load.stop();
      assertPlainFailures(load);
      assert.ok(load.answers.some((a) => a.failReasonMessage === 'the session store failed: the disk is full'));
      await assertLoggedOnce(log, /SQLITE_FULL/);
      p = await assertNothingLost(p, load, dataDir);
    } finally {
      await load.stop();
      await p.kill();
      sh('umount', ['-l', root]);
      rmSync(root, { recursive: true, force: true });
      rmSync(log, { force: true });
    }
  });
});
