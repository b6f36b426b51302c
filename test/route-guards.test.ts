import assert from 'node:assert/strict';
import { envelope, startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * Credentials are decided by the route that matched, so a path the router matches differently
 * from how it is spelled (another case, a trailing slash) meets the same guard, or nothing at all.
 */
const API_KEY = 'k3y-0123456789abcdef';

describe('route-matched credential guards', () => {
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge({ security: { apiKeys: [{ name: 'crm', key: API_KEY }], protectContracts: true } });
  });
  after(() => b.close());

  const protectedPaths = [
    '/mc/cxf/rest/json/checkSession?sessionId=x',
    '/mc/cxf/rest/json/getServiceState?channelId=1003&serviceCodes=CHAT',
    '/mc/cxf/rest?_wadl',
    '/mc/cxf/rest/json?_wadl',
    '/mc/cxf/rest/openapi.json',
    '/mc/cxf/soap?wsdl',
  ];
  const variants = (path: string) => {
    const [p, q] = path.split('?');
    const query = q === undefined ? '' : `?${q}`;
    return [path, `${p?.toUpperCase()}${query}`, `${p}/${query}`, `${p?.replace('/mc/', '/MC/')}${query}`];
  };

  for (const path of protectedPaths) {
    for (const variant of variants(path)) {
      it(`GET ${variant} does not answer without credentials`, async () => {
        const res = await fetch(`${b.url}${variant}`);
        assert.ok([401, 404].includes(res.status), `${variant} answered ${res.status}: ${(await res.text()).slice(0, 80)}`);
        if (res.status === 401) {
          const allowed = await fetch(`${b.url}${variant}`, { headers: { 'X-API-Key': API_KEY } });
          assert.equal(allowed.status, 200, `${variant} with credentials`);
        }
      });
    }
  }

  for (const path of ['/mc/cxf/soap', '/MC/CXF/SOAP', '/mc/cxf/soap/']) {
    it(`POST ${path} runs no operation without credentials`, async () => {
      const body = envelope('<mcc:startSession><channelId>1003</channelId><serviceid>CHAT</serviceid><sessionId>guarded-1</sessionId></mcc:startSession>');
      const res = await fetch(`${b.url}${path}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
      const text = await res.text();
      assert.notEqual(res.status, 200, text);
      assert.doesNotMatch(text, /SUCCESS/);
    });
  }

  it('and so nothing was started', async () => {
    const res = await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=guarded-1`, { headers: { 'X-API-Key': API_KEY } });
    assert.equal(((await res.json()) as { failReason?: string }).failReason, 'INVALID_SESSION_ID');
  });
});
