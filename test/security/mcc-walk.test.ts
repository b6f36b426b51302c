import assert from 'node:assert/strict';
import { operationNames, operations } from '../../src/contract/index.js';
import { envelope, startTestBridge, type TestBridge } from '../support/bridge.js';

/**
 * Every MCC route, spelled every way a router or a proxy might read as the same route, without
 * credentials and with wrong ones: never an answer from the operation (2xx), never a side effect.
 * With the right ones, the canonical spelling works, so the walk proves the guard and not a 404.
 */
const API_KEY = 'walk-key-0123456789';
const WRONG = { 'X-API-Key': 'walk-key-wrong-wrong' };

interface Route {
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  query?: string;
  body?: string;
  type?: string;
}

const restArgs: Record<string, string> = {
  startSession: 'channelId=1003&serviceid=CHAT&sessionId=walked',
  sessionAccept: 'sessionId=walked',
  checkSession: 'sessionId=walked',
  checkSessionWithData: 'sessionId=walked',
  closeSession: 'sessionId=walked',
  getServiceState: 'channelId=1003&serviceCodes=CHAT',
  logoutAgentFromChannel: 'channelId=1003&agentUsername=alice',
};

const routes: Route[] = [
  ...operationNames.map((op): Route => {
    const { method, path } = operations[op].rest;
    const route: Route = { method, path: `/mc/cxf/rest/json${path}` };
    if (method === 'PUT') return { ...route, body: JSON.stringify({ sessionId: 'walked', sessionData: 'x' }), type: 'application/json' };
    return { ...route, query: restArgs[path.slice(1)] ?? '' };
  }),
  {
    method: 'POST',
    path: '/mc/cxf/soap',
    body: envelope('<mcc:startSession><channelId>1003</channelId><serviceid>CHAT</serviceid><sessionId>walked</sessionId></mcc:startSession>'),
    type: 'text/xml',
  },
  { method: 'GET', path: '/mc/cxf/soap', query: 'wsdl' },
  { method: 'GET', path: '/mc/cxf/rest', query: '_wadl' },
  { method: 'GET', path: '/mc/cxf/rest/openapi.json' },
];

/** Spellings of one path that some component (router, proxy, decoder) may take for the same route. */
function spellings(path: string): string[] {
  const last = path.lastIndexOf('/');
  const head = path.slice(0, last + 1);
  const tail = path.slice(last + 1);
  const encoded = `${head}%${tail.charCodeAt(0).toString(16)}${tail.slice(1)}`;
  return [
    path,
    path.toUpperCase(),
    path.replace('/mc/', '/MC/'),
    `${head}${tail.toUpperCase()}`,
    `${path}/`,
    encoded,
    encoded.toUpperCase(),
    path.replace('/cxf/', '/cxf//'),
    path.replace('/cxf/', '/cxf/./'),
    path.replace('/cxf/', '/x/../cxf/'),
    `${path};jsessionid=x`,
    path.replace(/\//g, '%2F').replace(/^%2F/, '/'),
  ];
}

describe('security walk: every MCC route × every spelling', function () {
  this.timeout(60_000);
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge({
      security: {
        apiKeys: [{ name: 'walk', key: API_KEY }],
        protectContracts: true,
        authFailures: { perIp: 100_000, perUsername: 100_000, windowSeconds: 60 },
      },
    });
  });
  after(() => b.close());

  const send = (r: Route, path: string, headers: Record<string, string> = {}) =>
    fetch(`${b.url}${path}${r.query ? `?${r.query}` : ''}`, {
      method: r.method,
      headers: { ...(r.type ? { 'content-type': r.type } : {}), ...headers },
      ...(r.body !== undefined ? { body: r.body } : {}),
    });

  for (const r of routes) {
    it(`${r.method} ${r.path}: no spelling answers without credentials or with wrong ones`, async () => {
      for (const path of spellings(r.path)) {
        for (const headers of [{}, WRONG]) {
          const res = await send(r, path, headers);
          const text = await res.text();
          assert.ok(res.status >= 300, `${r.method} ${path} with ${JSON.stringify(headers)} answered ${res.status}: ${text.slice(0, 120)}`);
          assert.doesNotMatch(text, /"result":"SUCCESS"|<result>SUCCESS</, `${r.method} ${path}`);
        }
      }
      const allowed = await send(r, r.path, { 'X-API-Key': API_KEY });
      assert.equal(allowed.status, 200, `the canonical ${r.method} ${r.path} with the right key`);
    });
  }

  it('and HEAD, OPTIONS and other methods run no operation either', async () => {
    for (const method of ['HEAD', 'OPTIONS', 'DELETE', 'PATCH']) {
      for (const path of ['/mc/cxf/rest/json/startSession', '/MC/CXF/REST/JSON/startSession', '/mc/cxf/soap']) {
        const res = await fetch(`${b.url}${path}?channelId=1003&serviceid=CHAT&sessionId=walked-${method}`, { method });
        assert.ok(res.status >= 300, `${method} ${path} answered ${res.status}`);
      }
    }
  });

  it('so no session was started by any of it', async () => {
    const open = await b.engine.openInteractions(1000);
    assert.ok(open.ok);
    // The only ones are the canonical authorised calls of the walk.
    assert.deepEqual(
      open.value.map((i) => i.id).filter((id) => id.startsWith('walked-')),
      [],
    );
  });
});
