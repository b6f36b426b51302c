import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MccBridge } from '../src/bridge/index.js';
import { enums, operationNames, operations } from '../src/contract/index.js';
import { mccFailReasons, reasons } from '../src/reasons/index.js';
import { REDACTED } from '../src/log/logger.js';
import { startTestBridge, TEST_EMBEDDED } from './support/bridge.js';
import { openEngine } from './support/engine.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'src', 'cli.js');

describe('reason catalog', () => {
  it('maps every shared reason, for every operation, into that operation’s own fail-reason table', () => {
    for (const op of operationNames) {
      const table = enums[operations[op].failReason] as readonly string[];
      for (const r of reasons) {
        const code = mccFailReasons[op][r];
        assert.ok(table.includes(code), `${op}: ${r} → ${code} is not in ${operations[op].failReason}`);
      }
    }
  });
});

describe('bridge', () => {
  it('answers IS_PENDING to a close while another close of the same session is in flight', async () => {
    const engine = await openEngine(TEST_EMBEDDED);
    const bridge = new MccBridge(engine);
    const started = await bridge.startSession({ channelId: '1003', serviceid: 'CHAT' });
    const id = started.sessionId as string;
    const [first, second] = await Promise.all([bridge.closeSession({ sessionId: id }), bridge.closeSession({ sessionId: id })]);
    assert.equal(first.result, 'SUCCESS');
    assert.deepEqual([second.result, second.failReason], ['FAILED', 'IS_PENDING']);
    assert.equal((await bridge.closeSession({ sessionId: id })).result, 'SUCCESS', 'a retry after the first close succeeds');
    await engine.close();
  });
});

describe('logs', () => {
  it('write one JSON line per request with request id, operation, result, fail reason and duration', async () => {
    const b = await startTestBridge();
    try {
      await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=nope`, { headers: { 'x-request-id': 'req-abc-1' } });
      await fetch(`${b.url}/mc/cxf/soap`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: 'junk' });
      await new Promise((r) => setTimeout(r, 200)); // the file transport writes asynchronously
      const lines = b.logLines().filter((l) => l.message === 'request');
      const rest = lines.find((l) => l.requestId === 'req-abc-1');
      assert.ok(rest, JSON.stringify(lines));
      assert.deepEqual(
        [rest.face, rest.operation, rest.result, rest.failReason, rest.status],
        ['rest', 'checkSessionState', 'FAILED', 'INVALID_SESSION_ID', 200],
      );
      assert.equal(typeof rest.durationMs, 'number');
      const fault = lines.find((l) => l.face === 'soap');
      assert.equal(fault?.result, 'FAULT');
      assert.match(fault?.requestId ?? '', /^[0-9a-f-]{36}$/);
    } finally {
      await b.close();
    }
  });

  it('never write a password or other secret', async () => {
    const b = await startTestBridge();
    try {
      b.logger.info('login attempt', { username: 'alice', password: 'hunter2', nested: { apiKey: 'k-123', authorization: 'Basic xyz' } });
      await new Promise((r) => setTimeout(r, 200));
      const text = b
        .logLines()
        .map((l) => JSON.stringify(l))
        .join('\n');
      assert.doesNotMatch(text, /hunter2|k-123|Basic xyz/);
      assert.match(text, new RegExp(`"password":"\\${REDACTED.slice(0, -1)}\\]"`));
    } finally {
      await b.close();
    }
  });
});

describe('configuration and CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcc-cli-'));
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MCC_PORT: '' } });

  it('check-config accepts the sample configuration', () => {
    const r = run('check-config', '--config', join(root, 'config', 'mcc-bridge.example.yaml'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /configuration OK .* 2 channels, 3 services, 4 agents/);
  });

  it('check-config names the key of every problem and exits 1', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'server:\n  port: "eighty"\nembedded:\n  channels:\n    - id: 5\n  agents:\n    - username: a\n      capacity: 0\n');
    const r = run('check-config', '-c', bad);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /server\.port/);
    assert.match(r.stderr, /embedded\.channels\[0\]\.id: must be one of the MCC channels/);
    assert.match(r.stderr, /embedded\.agents\[0\]\.capacity/);
  });

  it('check-config reports an unreadable file and unknown commands', () => {
    assert.equal(run('check-config', '-c', join(dir, 'missing.yaml')).status, 1);
    assert.equal(run('frobnicate').status, 2);
  });

  it('serve starts on the port from the environment and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, 'serve', '-c', join(root, 'config', 'mcc-bridge.example.yaml')], {
      env: { ...process.env, MCC_PORT: '0', MCC_HOST: '127.0.0.1', MCC_DATA_DIR: join(dir, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
          if (m?.[1]) resolveUrl(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const wsdl = await (await fetch(`${url}/mc/cxf/soap?wsdl`)).text();
      assert.match(wsdl, /MultiChannelConnectorService/);
      const r = (await (await fetch(`${url}/mc/cxf/rest/json/getServiceState?channelId=1003&serviceCodes=SALES`)).json()) as { state: object };
      assert.deepEqual(r.state, { SALES: 'OUT_OF_SERVICE' });
    } finally {
      child.kill('SIGTERM');
      const code = await new Promise((r) => child.once('exit', r));
      assert.equal(code, 0);
    }
  });
});
