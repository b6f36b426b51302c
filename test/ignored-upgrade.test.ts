import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestBridge, type TestBridge } from './support/bridge.js';
import { selfSignedCertificate } from './support/tls.js';

/**
 * An `Upgrade` the bridge does not take (h2c, or a WebSocket off the agent faces' paths) is served
 * as plain HTTP/1.1 (RFC 9110 §7.8), not dropped. The clients are the real ones that send it by
 * default: Java 11+ HttpClient (Debian's JDK, scripts/install-test-deps.sh; java runs the one-file
 * source as it is) and curl --http2.
 */
const run = promisify(execFile);
const javaClient = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'test', 'clients', 'HttpClientRest.java');
const rest = (b: TestBridge, path: string) => `${b.url}/mc/cxf/rest/json${path}`;

/** One request with the given headers, answered or not: the status and body, or the transport error's code. */
function raw(url: string, headers: Record<string, string>, options: { ca?: string } = {}): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((done) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { headers, ...options }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('upgrade', () => done({ error: 'upgraded' }));
    req.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
    req.end();
  });
}

describe('an Upgrade the bridge does not take', function () {
  this.timeout(60_000);
  let b: TestBridge;
  let sessionId: string;
  before(async () => {
    b = await startTestBridge();
    sessionId = (await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT' })).sessionId;
  });
  after(() => b.close());

  it('Java 11+ HttpClient (h2c by default): GET and PUT answered over HTTP/1.1', async () => {
    const get = await run('java', [javaClient, 'GET', rest(b, `/checkSession?sessionId=${sessionId}`)]);
    const [version, status, body] = get.stdout.split('\t');
    assert.deepEqual([version, status], ['HTTP_1_1', '200']);
    assert.deepEqual([JSON.parse(body ?? '').result, JSON.parse(body ?? '').status], ['SUCCESS', 'NEW']);

    const put = await run('java', [javaClient, 'PUT', rest(b, '/setSessionData'), JSON.stringify({ sessionId, sessionData: 'from java' })]);
    const [, putStatus, putBody] = put.stdout.split('\t');
    assert.equal(putStatus, '200');
    assert.deepEqual(JSON.parse(putBody ?? ''), { result: 'SUCCESS', sessionId, sessionData: 'from java' });
  });

  it('curl --http2: a GET, a PUT with its body, then a second request on the same connection', async () => {
    const { stdout } = await run('curl', [
      '-sS',
      '--http2',
      '-w',
      '\\n%{http_version} %{http_code} %{num_connects}\\n',
      rest(b, `/checkSessionWithData?sessionId=${sessionId}`),
      '--next',
      '-sS',
      '--http2',
      '-w',
      '\\n%{http_version} %{http_code} %{num_connects}\\n',
      '-X',
      'PUT',
      '-H',
      'content-type: application/json',
      '--data',
      JSON.stringify({ sessionId, sessionData: 'from curl' }),
      rest(b, '/setSessionData'),
    ]);
    const [first, firstMeta, second, secondMeta] = stdout.trim().split('\n');
    assert.equal(JSON.parse(first ?? '').status, 'NEW');
    assert.equal(firstMeta, '1.1 200 1');
    assert.deepEqual(JSON.parse(second ?? ''), { result: 'SUCCESS', sessionId, sessionData: 'from curl' });
    assert.equal(secondMeta, '1.1 200 0', 'the connection was kept alive for the next request');
  });

  it("a WebSocket upgrade off the agent faces' paths is an ordinary request", async () => {
    const got = await raw(`${b.url}/healthz`, {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    });
    assert.deepEqual(got, { status: 200, body: '{"status":"ok"}' });
  });

  it('over HTTPS too', async () => {
    const { key, cert } = selfSignedCertificate();
    const tls = await startTestBridge({ server: { port: 0, host: '127.0.0.1', tls: { key, cert } } });
    try {
      const got = await raw(
        `${tls.url}/healthz`,
        { Connection: 'Upgrade, HTTP2-Settings', Upgrade: 'h2c', 'HTTP2-Settings': 'AAMAAABkAAQCAAAAAAIAAAAA' },
        { ca: readFileSync(cert, 'utf8') },
      );
      assert.deepEqual(got, { status: 200, body: '{"status":"ok"}' });
    } finally {
      await tls.close();
    }
  });
});
