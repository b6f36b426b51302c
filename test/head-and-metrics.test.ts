import assert from 'node:assert/strict';
import { operationNames, operations } from '../src/contract/index.js';
import { parseConfig } from '../src/config/index.js';
import { startTestBridge, type TestBridge } from './support/bridge.js';
import { basic, http, startFacesBridge, guidOf } from './support/agent-faces.js';

/**
 * Issue 11, point 8 (MCC and operations): HEAD never runs an MCC operation, and /metrics asks for
 * credentials when the bridge has them (metrics.protect), decided by the route that matched.
 */
const API_KEY = 'k3y-0123456789abcdef';
const SECURITY = { basic: [{ username: 'crm', password: 'crm-pw' }], apiKeys: [{ name: 'portal', key: API_KEY }] };
const CRM = { Authorization: basic('crm', 'crm-pw') };

const queryOf = (sessionId: string) => `channelId=1003&serviceid=CHAT&sessionId=${sessionId}&contactValue=x&username=alice`;

async function failReasonOf(b: TestBridge, sessionId: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${b.url}/mc/cxf/rest/json/checkSession?sessionId=${sessionId}`, { headers });
  return (await res.json()) as { failReason?: string; status?: string };
}

describe('HEAD on the MCC operations', () => {
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge();
  });
  after(() => b.close());

  for (const op of operationNames) {
    const { method, path } = operations[op].rest;
    it(`HEAD ${path} is 405 with Allow: ${method}`, async () => {
      const res = await fetch(`${b.url}/mc/cxf/rest/json${path}?${queryOf(`head-${op}`)}`, { method: 'HEAD' });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), method);
    });
  }

  it('creates no session, whatever the spelling of the path', async () => {
    for (const path of [
      '/mc/cxf/rest/json/startSession',
      '/MC/CXF/REST/JSON/startSession',
      '/mc/cxf/rest/json/startSession/',
      '/mc/cxf/rest/json/STARTSESSION',
    ]) {
      const res = await fetch(`${b.url}${path}?${queryOf('head-1')}`, { method: 'HEAD' });
      assert.ok([404, 405].includes(res.status), `${path} answered ${res.status}`);
    }
    assert.equal((await failReasonOf(b, 'head-1')).failReason, 'INVALID_SESSION_ID');
  });

  it('accepts and closes nothing', async () => {
    assert.equal((await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: 'head-2', contactValue: 'x' })).result, 'SUCCESS');
    for (const op of ['sessionAccept', 'closeSession'] as const) {
      assert.equal((await fetch(`${b.url}/mc/cxf/rest/json${operations[op].rest.path}?sessionId=head-2`, { method: 'HEAD' })).status, 405);
    }
    assert.equal((await failReasonOf(b, 'head-2')).status, 'NEW');
    // The same operations by GET still act: the refusal is HEAD's alone.
    assert.equal((await b.rest('closeSession', { sessionId: 'head-2' })).result, 'SUCCESS');
    assert.equal((await failReasonOf(b, 'head-2')).status, 'CLOSED');
  });

  it('still answers HEAD on the contracts, which do nothing', async () => {
    assert.equal((await fetch(`${b.url}/mc/cxf/rest?_wadl`, { method: 'HEAD' })).status, 200);
    assert.equal((await fetch(`${b.url}/mc/cxf/soap?wsdl`, { method: 'HEAD' })).status, 200);
  });

  describe('with credentials configured', () => {
    let guarded: TestBridge;
    before(async () => {
      guarded = await startTestBridge({ security: SECURITY });
    });
    after(() => guarded.close());

    it('asks for them first, then refuses HEAD; no session either way', async () => {
      const url = `${guarded.url}/mc/cxf/rest/json/startSession?${queryOf('head-3')}`;
      assert.equal((await fetch(url, { method: 'HEAD' })).status, 401);
      const refused = await fetch(url, { method: 'HEAD', headers: CRM });
      assert.equal(refused.status, 405);
      assert.equal(refused.headers.get('allow'), 'GET');
      assert.equal((await failReasonOf(guarded, 'head-3', CRM)).failReason, 'INVALID_SESSION_ID');
    });
  });
});

describe('HEAD on the Huawei event poll', () => {
  let b: TestBridge;
  before(async () => {
    b = await startFacesBridge({ faces: { huawei: { pollWaitSeconds: 0.2 } } });
  });
  after(() => b.close());

  it('is 405 and takes no event', async () => {
    const gw = `${b.url}/agentgateway/resource`;
    const signedIn = await http('PUT', `${gw}/onlineagent/201/loginex`, {
      password: 'alice-pw',
      phonenum: '1001',
      status: '4',
      autoanswer: 'false',
      releasephone: 'false',
      agenttype: '4',
    });
    const guid = guidOf(signedIn);
    const head = await fetch(`${gw}/agentevent/201`, { method: 'HEAD', headers: { Guid: guid } });
    assert.equal(head.status, 405);
    assert.equal(head.headers.get('allow'), 'GET');
    const first = await http('GET', `${gw}/agentevent/201`, undefined, { Guid: guid });
    assert.equal(first.body.event?.eventType, 'AgentOther_InService', "the sign-in's first event is still there");
  });
});

describe('metrics.protect', () => {
  const scrape = (b: TestBridge, path = '/metrics', headers: Record<string, string> = {}) => fetch(`${b.url}${path}`, { headers });

  describe('on by default when Basic users or API keys exist', () => {
    let b: TestBridge;
    before(async () => {
      b = await startTestBridge({ security: SECURITY });
    });
    after(() => b.close());

    for (const path of ['/metrics', '/METRICS', '/metrics/', '/Metrics/']) {
      it(`GET ${path}: no or wrong credentials 401, right ones the metrics`, async () => {
        const none = await scrape(b, path);
        assert.equal(none.status, 401);
        assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
        assert.equal(((await none.json()) as { error: string }).error, 'unauthorized');
        for (const wrong of <Array<Record<string, string>>>[
          { Authorization: basic('crm', 'nope') },
          { Authorization: basic('nobody', 'crm-pw') },
          { 'X-API-Key': 'not-the-key-0123456789' },
        ]) {
          const res = await scrape(b, path, wrong);
          assert.equal(res.status, 401, JSON.stringify(wrong));
          assert.doesNotMatch(await res.text(), /# HELP/);
        }
        for (const right of <Array<Record<string, string>>>[CRM, { 'X-API-Key': API_KEY }]) {
          const res = await scrape(b, path, right);
          assert.equal(res.status, 200);
          assert.match(await res.text(), /# HELP /);
        }
      });
    }

    it('leaves the probes open', async () => {
      assert.equal((await fetch(`${b.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${b.url}/readyz`)).status, 200);
    });
  });

  it('stays open without credentials, and when set false', async () => {
    for (const overrides of [{}, { security: SECURITY, metrics: { protect: false } }]) {
      const b = await startTestBridge(overrides);
      try {
        const res = await scrape(b);
        assert.equal(res.status, 200, JSON.stringify(overrides));
        assert.match(await res.text(), /# HELP /);
      } finally {
        await b.close();
      }
    }
  });

  it('cannot be asked for with nothing a scraper could send', () => {
    const wsOnly = { security: { wsSecurity: { users: [{ username: 'soap', password: 'soap-pw' }] } }, metrics: { protect: true } };
    assert.throws(() => parseConfig(wsOnly, 'test'), /metrics\.protect/);
    assert.equal(parseConfig({ security: SECURITY, metrics: { protect: true } }, 'test').metrics.protect, true);
  });
});
