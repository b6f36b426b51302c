import assert from 'node:assert/strict';
import { parseConfig } from '../src/config/index.js';
import { startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * CORS on the MCC REST face, spoken as a browser speaks it: the preflight (OPTIONS with Origin,
 * Access-Control-Request-Method and -Headers) and then the cross-origin GET or PUT, checked the
 * way the browser checks the answers (Fetch standard, CORS check).
 */
const PAGE = 'https://chat.example.com';
const OTHER = 'https://evil.example.net';
const KEY = 'k3y-0123456789abcdef';

const preflight = (url: string, path: string, method: string, origin = PAGE, headers = 'content-type, x-api-key') =>
  fetch(`${url}/mc/cxf/rest/json${path}`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers },
  });

/** What a browser requires of a preflight answer before it sends the request. */
function passesPreflight(res: Response, origin: string, method: string, headers: string[], credentials = false) {
  const allowOrigin = res.headers.get('access-control-allow-origin');
  const originOk = allowOrigin === origin || (!credentials && allowOrigin === '*');
  const methods = (res.headers.get('access-control-allow-methods') ?? '').split(',').map((m) => m.trim().toUpperCase());
  const allowedHeaders = (res.headers.get('access-control-allow-headers') ?? '').split(',').map((h) => h.trim().toLowerCase());
  const credentialsOk = !credentials || res.headers.get('access-control-allow-credentials') === 'true';
  return res.ok && originOk && credentialsOk && methods.includes(method) && headers.every((h) => allowedHeaders.includes(h));
}

describe('CORS on the MCC REST face', () => {
  describe('off by default', () => {
    let b: TestBridge;
    before(async () => {
      b = await startTestBridge();
    });
    after(() => b.close());

    it('sends no CORS headers and answers a preflight as any OPTIONS: 405', async () => {
      const res = await preflight(b.url, '/startSession', 'GET');
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      const get = await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=x`, { headers: { Origin: PAGE } });
      assert.equal(get.status, 200);
      assert.equal(get.headers.get('access-control-allow-origin'), null);
    });
  });

  describe('with configured origins and an API key', () => {
    let b: TestBridge;
    before(async () => {
      b = await startTestBridge({ security: { apiKeys: [{ name: 'widget', key: KEY }], cors: { origins: [PAGE], maxAgeSeconds: 120 } } });
    });
    after(() => b.close());

    it("answers the preflight of a PUT with JSON and X-API-Key without credentials: 204, the path's method, the headers, the cache time", async () => {
      const res = await preflight(b.url, '/setSessionData', 'PUT');
      assert.equal(res.status, 204);
      assert.ok(passesPreflight(res, PAGE, 'PUT', ['content-type', 'x-api-key']), JSON.stringify(Object.fromEntries(res.headers)));
      assert.equal(res.headers.get('access-control-allow-methods'), 'PUT');
      assert.equal(res.headers.get('access-control-max-age'), '120');
      assert.equal(res.headers.get('access-control-allow-credentials'), null);
      assert.match(res.headers.get('vary') ?? '', /Origin/);
    });

    it("then serves the cross-origin GET and PUT with the page's origin allowed, and lets it read the refusals", async () => {
      const headers = { Origin: PAGE, 'X-API-Key': KEY };
      const started = await fetch(`${b.url}/mc/cxf/rest/json/startSession?channelId=1003&serviceid=CHAT&sessionId=cors-1`, { headers });
      assert.equal(started.status, 200);
      assert.equal(started.headers.get('access-control-allow-origin'), PAGE);
      assert.equal(((await started.json()) as { result: string }).result, 'SUCCESS');

      assert.ok(passesPreflight(await preflight(b.url, '/setSessionData', 'PUT'), PAGE, 'PUT', ['content-type', 'x-api-key']));
      const put = await fetch(`${b.url}/mc/cxf/rest/json/setSessionData`, {
        method: 'PUT',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ sessionId: 'cors-1', sessionData: 'from the page' }),
      });
      assert.equal(put.status, 200);
      assert.equal(put.headers.get('access-control-allow-origin'), PAGE);
      assert.equal(((await put.json()) as { sessionData: string }).sessionData, 'from the page');

      const refused = await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=cors-1`, { headers: { Origin: PAGE } });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('access-control-allow-origin'), PAGE, 'the page may read why');
      assert.match(refused.headers.get('access-control-expose-headers') ?? '', /WWW-Authenticate|Retry-After/);
    });

    it('gives another origin nothing: its preflight goes on to the 401 of the guarded path, its answers carry no CORS headers', async () => {
      const res = await preflight(b.url, '/setSessionData', 'PUT', OTHER);
      assert.equal(res.status, 401);
      assert.equal(passesPreflight(res, OTHER, 'PUT', ['content-type']), false);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      const get = await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=cors-1`, { headers: { Origin: OTHER, 'X-API-Key': KEY } });
      assert.equal(get.status, 200);
      assert.equal(get.headers.get('access-control-allow-origin'), null);
      assert.match(get.headers.get('vary') ?? '', /Origin/, 'caches keep the answers per origin');
    });

    it('never allows a method the path does not take', async () => {
      const res = await preflight(b.url, '/startSession', 'PUT');
      assert.equal(passesPreflight(res, PAGE, 'PUT', []), false);
      assert.equal(res.headers.get('access-control-allow-methods'), 'GET');
    });
  });

  describe('with allowCredentials', () => {
    let b: TestBridge;
    before(async () => {
      b = await startTestBridge({ security: { basic: [{ username: 'web', password: 'pw' }], cors: { origins: [PAGE], allowCredentials: true } } });
    });
    after(() => b.close());

    it('echoes the exact origin with Allow-Credentials on the preflight and on the credentialed GET', async () => {
      const res = await preflight(b.url, '/checkSession', 'GET', PAGE, 'authorization');
      assert.ok(passesPreflight(res, PAGE, 'GET', ['authorization'], true), JSON.stringify(Object.fromEntries(res.headers)));
      const get = await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=x`, {
        headers: { Origin: PAGE, Authorization: `Basic ${Buffer.from('web:pw').toString('base64')}` },
      });
      assert.equal(get.status, 200);
      assert.equal(get.headers.get('access-control-allow-origin'), PAGE);
      assert.equal(get.headers.get('access-control-allow-credentials'), 'true');
    });

    it('refuses "*" with credentials when the configuration is loaded', () => {
      assert.throws(() => parseConfig({ security: { cors: { origins: ['*'], allowCredentials: true } } }, 'test'), /allowCredentials needs exact origins/);
      assert.throws(() => parseConfig({ security: { cors: { origins: ['https://chat.example.com/'] } } }, 'test'), /scheme:\/\/host/);
    });
  });
});
