import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * A live scrape passes Prometheus's own lint (`promtool check metrics`, Debian's `prometheus`,
 * scripts/install-test-deps.sh), and HEAD on the metrics path answers like GET, without a body.
 */
function promtool(exposition: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
    child.stdin.end(exposition);
  });
}

/** HEAD through node:http, which (unlike fetch) shows what the server sent after the headers. */
function head(url: string): Promise<{ status: number; headers: Record<string, unknown>; bytes: number }> {
  return new Promise((done, fail) => {
    request(url, { method: 'HEAD' }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
    })
      .on('error', fail)
      .end();
  });
}

describe('the metrics scrape', function () {
  this.timeout(30_000);
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge();
    // Every family with samples: requests on both faces, a failure, sessions and agent logins.
    await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT' });
    await b.rest('checkSessionState', { sessionId: 'nope' });
    await b.soap('getServiceState', { channelId: 1003, serviceCodes: ['CHAT'] });
    await b.engine.agentLogin('alice', [1003]);
  });
  after(() => b.close());

  it('passes `promtool check metrics` clean', async () => {
    const text = await (await fetch(`${b.url}/metrics`)).text();
    assert.match(text, /^mcc_requests_total\{/m, "a scrape with the bridge's own metrics");
    assert.match(text, /^mcc_bridge_nodejs_active_handles\{type="/m, 'the by-type process gauges stay');
    const { code, output } = await promtool(text);
    assert.equal(output, '', 'promtool found nothing to say');
    assert.equal(code, 0);
  });

  it('answers HEAD like GET, without the body', async () => {
    const get = await fetch(`${b.url}/metrics`);
    const answer = await head(`${b.url}/metrics`);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], get.headers.get('content-type'));
    assert.ok(Number(answer.headers['content-length']) > 0, 'the length GET would send');
    assert.equal(answer.bytes, 0);
    await get.text();
  });
});
