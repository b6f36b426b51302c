import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig } from '../src/config/index.js';
import type { TestBridge } from './support/bridge.js';
import { FACES_EMBEDDED, http, logoutEveryone, soapStart, soapStatus, startFacesBridge, guidOf } from './support/agent-faces.js';
import { JavaDemo } from './support/huawei-clients.js';

const ALICE = 201;
const DAVE = 203;

describe('Huawei CC-Gateway door: routes, dialect, sign-in codes, budgets, reload', () => {
  let b: TestBridge;
  let gw: string;
  before(async () => {
    b = await startFacesBridge({ faces: { huawei: { pollWaitSeconds: 3 } } });
    gw = `${b.url}/agentgateway/resource`;
    await b.soapClient();
  });
  after(() => b.close());
  afterEach(() => logoutEveryone(b));

  const signIn = (id: number, body: Record<string, unknown>) => http('PUT', `${gw}/onlineagent/${id}/loginex`, body);

  it('answers every reply, failures and unknown routes included, with Content-Type exactly application/json', async () => {
    const answers = [
      await signIn(ALICE, { password: 'wrong' }),
      await http('POST', `${gw}/onlineagent/${ALICE}/sayfree`),
      await http('GET', `${gw}/no/such/path`),
      await http('GET', `${gw}/onlineagent/${ALICE}/sayfree`),
      await signIn(ALICE, { password: 'alice-pw' }),
    ];
    for (const a of answers) assert.equal(a.headers.get('content-type'), 'application/json', JSON.stringify(a.body));
  });

  it('a wrong method on a known path, or an unknown path, answers in the gateway dialect', async () => {
    const wrong = await http('GET', `${gw}/onlineagent/${ALICE}/sayfree`);
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
    assert.equal(wrong.body.retcode, '000-002');
    assert.equal(wrong.body.error, undefined, 'not the MCC 404');
    const poll = await http('POST', `${gw}/agentevent/${ALICE}`);
    assert.equal(poll.status, 405);
    assert.equal(poll.body.retcode, '000-001', 'the gateway code for a wrong method to get events');
    const unknown = await http('GET', `${gw}/onlineagent/${ALICE}/nothing`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.retcode, '000-002');
    assert.equal(typeof unknown.body.message, 'string');
  });

  it('a doubled slash reaches the same route', async () => {
    const r = await http('PUT', `${b.url}/agentgateway/resource//onlineagent/${ALICE}/loginex`, { password: 'alice-pw' });
    assert.equal(r.body.retcode, '0');
    const status = await http('GET', `${b.url}/agentgateway//resource//onlineagent//${ALICE}/agentstatus`, undefined, { Guid: guidOf(r) });
    assert.deepEqual(status.body.result, { agentState: 4, isWorking: false });
  });

  it('resetskill: true, or skills of the agent; others refused', async () => {
    const guid = guidOf(await signIn(ALICE, { password: 'alice-pw' }));
    const post = (path: string) => http('POST', `${gw}/onlineagent/${ALICE}/${path}`, undefined, { Guid: guid });
    assert.equal((await post('resetskill/true')).body.retcode, '0');
    assert.equal((await post('resetskill/false?skillid=10;20')).body.retcode, '0');
    assert.equal((await post('resetskill/false?skillid=11')).body.retcode, '100-019', "SALES is not one of alice's skills");
    assert.equal((await post('resetskill/false?skillid=x')).body.retcode, '000-002');
    assert.equal((await http('POST', `${gw}/onlineagent/${ALICE}/resetskill/true`)).body.retcode, '000-003', 'needs the Guid');
  });

  it('answer without callid answers the ringing call; appdata and callinfobycallid read it', async () => {
    const guid = guidOf(await signIn(ALICE, { password: 'alice-pw', autoanswer: false }));
    const call = (method: string, path: string, body?: unknown) => http(method, `${gw}/${path}`, body, { Guid: guid });
    assert.equal((await call('PUT', `voicecall/${ALICE}/answer`)).body.retcode, '200-002');
    assert.equal((await call('GET', `calldata/${ALICE}/appdata`)).body.retcode, '200-002');
    await soapStart(b, 'CHAT', 'door-1');
    assert.equal((await b.soap('setSessionData', { sessionId: 'door-1', sessionData: 'ticket 9' })).result, 'SUCCESS');
    assert.equal((await call('GET', `calldata/${ALICE}/appdata`)).body.result, 'ticket 9', 'the ringing call');
    const info = (await call('GET', `calldata/${ALICE}/callinfobycallid/door-1`)).body;
    assert.equal(info.retcode, '0');
    assert.equal(info.result.callid, 'door-1');
    assert.equal(info.result.calldata, 'ticket 9');
    assert.equal(info.result.callskillid, 10);
    assert.equal((await call('GET', `calldata/${ALICE}/callinfobycallid/nope`)).body.retcode, '200-002');
    assert.equal((await call('PUT', `voicecall/${ALICE}/answer`)).body.retcode, '0');
    assert.equal((await soapStatus(b, 'door-1')).status, 'ASSIGNED');
    assert.equal((await call('GET', `calldata/${ALICE}/appdata?isEncodeResult=true`)).body.result, Buffer.from('ticket 9').toString('base64'));
    assert.equal((await call('DELETE', `voicecall/${ALICE}/release`)).body.retcode, '0');
  });

  it('sign-in codes as the seed lists them: 100-012 agent type, 100-016 address (IPv6 too), 100-001, 100-004, 100-002', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ password: 'alice-pw', agenttype: 7 }, '100-012'],
      [{ password: 'alice-pw', agenttype: '5' }, '100-012'],
      [{ password: 'alice-pw', ip: '::1' }, '100-016'],
      [{ password: 'alice-pw', ip: 'fe80::1' }, '100-016'],
      [{ password: 'alice-pw', ip: '300.1.1.1' }, '100-016'],
      [{ password: 'alice-pw', status: 9 }, '100-001'],
      [{}, '100-001'],
      [{ password: 'nope' }, '100-004'],
    ];
    for (const [body, retcode] of cases) assert.equal((await signIn(ALICE, body)).body.retcode, retcode, JSON.stringify(body));
    assert.equal((await signIn(ALICE, { password: 'alice-pw', agenttype: '11', ip: '10.1.2.3' })).body.retcode, '0');
    assert.equal((await signIn(ALICE, { password: 'alice-pw' })).body.retcode, '100-002');
  });

  it('checkInWebm false keeps the agent off the web (chat) channel; the result says so', async () => {
    const r = await signIn(ALICE, { password: 'alice-pw', checkInWebm: false });
    assert.equal(r.body.result.mediatype, 'TFF');
    const state = await b.engine.agentState('alice');
    assert.ok(state.ok);
    assert.deepEqual(
      state.value.channels.map((c) => c.channelId),
      [1],
    );
    await soapStart(b, 'CHAT', 'webm-1');
    await soapStart(b, 'MAIL', 'mail-1', 1);
    assert.equal((await soapStatus(b, 'webm-1')).status, 'QUEUED');
    assert.equal((await soapStatus(b, 'mail-1')).username, 'alice');
    await b.soap('closeSession', { sessionId: 'webm-1' });
    await b.soap('closeSession', { sessionId: 'mail-1' });
    await b.engine.agentLogout('alice');
    assert.equal((await signIn(ALICE, { password: 'alice-pw' })).body.result.mediatype, 'TTF');
  });

  it('a reload that removes an agent wakes its held poll and ends its Guid: later calls hear 100-006', async () => {
    const demo = new JavaDemo(b.url, ALICE);
    await demo.forceLogin('alice-pw', '1001', false);
    await demo.poll();
    await demo.poll();
    const held = demo.poll();
    await sleep(200);
    const without = (agents: any[]) =>
      parseConfig({ server: { port: 0, host: '127.0.0.1' }, embedded: { ...FACES_EMBEDDED, agents }, faces: { huawei: { pollWaitSeconds: 3 } } }, 'test');
    const started = Date.now();
    await b.reload(without(FACES_EMBEDDED.agents.filter((a) => a.username !== 'alice')));
    try {
      const answered = await held;
      assert.equal(answered.entity.retcode, '100-006');
      assert.ok(Date.now() - started < 1500, 'woken by the reload, not by its wait');
      assert.equal((await demo.sayBusy()).entity.retcode, '100-006');
      assert.equal((await b.engine.agentState('alice')).ok && ((await b.engine.agentState('alice')) as any).value.loggedIn, false);
    } finally {
      await b.reload(without(FACES_EMBEDDED.agents));
    }
    // Back in the configuration, the ended Guid stays ended; a new sign-in works.
    assert.equal((await demo.sayBusy()).entity.retcode, '100-006');
    assert.equal((await demo.forceLogin('alice-pw', '1001', false)).entity.retcode, '0');
  });

  it('a reload that disables an agent (no agent profile) ends its Guid on its next call', async () => {
    const guid = guidOf(await signIn(DAVE, { password: 'dave-pw' }));
    const agents = FACES_EMBEDDED.agents.map((a) => (a.username === 'dave' ? { ...a, profiles: ['supervisor'] } : a));
    const config = (list: any[]) =>
      parseConfig({ server: { port: 0, host: '127.0.0.1' }, embedded: { ...FACES_EMBEDDED, agents: list }, faces: { huawei: { pollWaitSeconds: 3 } } }, 'test');
    await b.reload(config(agents));
    try {
      assert.equal((await http('POST', `${gw}/onlineagent/${DAVE}/sayfree`, undefined, { Guid: guid })).body.retcode, '100-006');
    } finally {
      await b.reload(config(FACES_EMBEDDED.agents));
    }
  });
});

describe('Huawei CC-Gateway door: the shared budgets', () => {
  it('failed sign-ins spend the failed-authentication budget: past it, 110-016 before any password is compared', async () => {
    const b = await startFacesBridge({ security: { authFailures: { perIp: 30, perUsername: 3, windowSeconds: 60 } } });
    try {
      const signIn = (id: number, password: string) => http('PUT', `${b.url}/agentgateway/resource/onlineagent/${id}/loginex`, { password });
      for (let i = 0; i < 3; i++) assert.equal((await signIn(ALICE, 'guess')).body.retcode, '100-004');
      const locked = await signIn(ALICE, 'alice-pw');
      assert.equal(locked.body.retcode, '110-016');
      assert.ok(Number(locked.headers.get('retry-after')) >= 1);
      assert.equal(((await b.engine.agentState('alice')) as any).value.loggedIn, false);
      assert.equal((await signIn(DAVE, 'dave-pw')).body.retcode, '0', 'another agent id has its own budget');
    } finally {
      await b.close();
    }
  });

  it('a random Guid spends its IP budget; a verified agent has its own, whatever address it comes from', async () => {
    const b = await startFacesBridge({
      server: { port: 0, host: '127.0.0.1', trustProxy: true },
      security: { rateLimit: { requestsPerSecond: 0.1, burst: 4 } },
    });
    try {
      const gw = `${b.url}/agentgateway/resource`;
      const from = (ip: string, guid: string) => ({ Guid: guid, 'X-Forwarded-For': ip });
      const random = [];
      for (let i = 0; i < 5; i++)
        random.push((await http('POST', `${gw}/onlineagent/${ALICE}/sayfree`, undefined, from('10.0.0.1', randomUUID()))).body.retcode);
      // Not signed in four times (000-003), then the IP's budget is spent: the gateway's "invoked repeatedly".
      assert.deepEqual(random.slice(0, 4), ['000-003', '000-003', '000-003', '000-003']);
      assert.equal(random[4], '000-007', 'a made-up Guid is no fresh budget');

      const guid = guidOf(await http('PUT', `${gw}/onlineagent/${ALICE}/loginex`, { password: 'alice-pw' }, { 'X-Forwarded-For': '10.0.1.1' }));
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await http('GET', `${gw}/onlineagent/${ALICE}/agentstatus`, undefined, from(`10.0.2.${i}`, guid))).body.retcode);
      assert.deepEqual(codes, ['0', '0', '0', '0', '000-007']);
    } finally {
      await b.close();
    }
  });
});
