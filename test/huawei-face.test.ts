import assert from 'node:assert/strict';
import { huaweiRetcodes, huaweiSignInRetcodes } from '../src/reasons/index.js';
import type { TestBridge } from './support/bridge.js';
import { eventually, http, logoutEveryone, soapStart, soapStatus, startFacesBridge, guidOf } from './support/agent-faces.js';

const ALICE = 201;

describe('Huawei CC-Gateway face', () => {
  let b: TestBridge;
  let gw: string;
  before(async () => {
    b = await startFacesBridge({ faces: { huawei: { pollWaitSeconds: 0.3, keepAliveSeconds: 120, guidRotateSeconds: 300 } } });
    gw = `${b.url}/agentgateway/resource`;
  });
  after(() => b.close());
  afterEach(() => logoutEveryone(b));

  const signIn = async (id: number, body: Record<string, unknown>, path = 'loginex') => http('PUT', `${gw}/onlineagent/${id}/${path}`.replace(/\/$/, ''), body);
  /** Every event the poll hands out until it answers empty. */
  async function drain(id: number, guid: string): Promise<Array<Record<string, any>>> {
    const events = [];
    for (;;) {
      const r = await http('GET', `${gw}/agentevent/${id}`, undefined, { Guid: guid });
      assert.equal(r.body.retcode, '0', JSON.stringify(r.body));
      if (!r.body.event) return events;
      events.push(r.body.event);
    }
  }
  const signOut = (id: number, guid: string) => http('DELETE', `${gw}/onlineagent/${id}/forcelogout`, undefined, { Guid: guid });

  it('serves a whole session: sign-in, ringing, answer, call data, release — seen by the MCC integrator', async () => {
    const r = await signIn(ALICE, { password: 'alice-pw', phonenum: '1001', status: '4', autoanswer: 'false', releasephone: 'false', agenttype: '4' });
    assert.equal(r.body.retcode, '0', JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body.result).sort(), ['isForceChange', 'loginTime', 'mediatype', 'serverName', 'timeRemaining', 'vdnid', 'workno']);
    assert.equal(r.body.result.workno, '201');
    const guid = guidOf(r);
    assert.match(guid, /^[0-9a-f-]{36}\.AgentGateway\d$/);
    assert.deepEqual(
      (await drain(ALICE, guid)).map((e) => e.eventType),
      ['AgentOther_InService', 'AgentState_Ready'],
    );

    await soapStart(b, 'CHAT', 'hw-1');
    const [ringing] = await drain(ALICE, guid);
    assert.equal(ringing?.eventType, 'AgentEvent_Ringing');
    assert.equal(ringing?.workNo, '201');
    assert.equal(ringing?.content.callid, 'hw-1');
    assert.equal(ringing?.content.mediaAbility, '5');
    assert.equal((await soapStatus(b, 'hw-1')).status, 'BOOKED');

    assert.equal((await http('PUT', `${gw}/voicecall/${ALICE}/answer?callid=hw-1`, undefined, { Guid: guid })).body.retcode, '0');
    const status = await soapStatus(b, 'hw-1');
    assert.equal(status.status, 'ASSIGNED');
    assert.equal(status.username, 'alice');
    assert.equal((await drain(ALICE, guid))[0]?.eventType, 'AgentEvent_Talking');
    const talking = await http('GET', `${gw}/onlineagent/${ALICE}/agentstatus`, undefined, { Guid: guid });
    assert.deepEqual(talking.body.result, { agentState: 7, isWorking: true });

    assert.equal((await http('PUT', `${gw}/calldata/${ALICE}/appdata`, { callid: 'hw-1', calldata: 'order 42' }, { Guid: guid })).body.retcode, '0');
    assert.equal((await b.soap('checkSessionStateWithData', { sessionId: 'hw-1' })).sessionData, 'order 42');

    assert.equal((await http('POST', `${gw}/voicecall/${ALICE}/dropcall/hw-1`, undefined, { Guid: guid })).body.retcode, '0');
    assert.equal((await soapStatus(b, 'hw-1')).status, 'CLOSED');
    assert.deepEqual(
      (await drain(ALICE, guid)).map((e) => [e.eventType, e.content]),
      [['AgentEvent_Call_Release', 'hw-1']],
    );
    assert.equal((await http('DELETE', `${gw}/onlineagent/${ALICE}/logout`, undefined, { Guid: guid })).body.retcode, '0');
  });

  it('reports the events of each sign-in status, and the busy, rest and wrap-up states', async () => {
    const expected: Record<string, string[]> = {
      3: ['AgentOther_InService', 'AgentState_Ready', 'AgentState_SetNotReady_Success'],
      4: ['AgentOther_InService', 'AgentState_Ready'],
      5: ['AgentOther_InService', 'AgentState_Ready', 'AgentState_Work'],
    };
    for (const status of ['3', '4', '5']) {
      const r = await signIn(ALICE, { password: 'alice-pw', status });
      const guid = guidOf(r);
      assert.deepEqual(
        (await drain(ALICE, guid)).map((e) => e.eventType),
        expected[status],
      );
      await signOut(ALICE, guid);
    }
    const guid = guidOf(await signIn(ALICE, { password: 'alice-pw' }));
    await drain(ALICE, guid);
    const post = (path: string) => http('POST', `${gw}/onlineagent/${ALICE}/${path}`, undefined, { Guid: guid });
    const state = async () => (await http('GET', `${gw}/onlineagent/${ALICE}/agentstatus`, undefined, { Guid: guid })).body.result.agentState;
    assert.equal((await post('saybusy?reason=201')).body.retcode, '0');
    assert.equal(await state(), 3);
    assert.equal((await post('cancelbusy')).body.retcode, '0');
    assert.equal((await post('rest/600/7')).body.retcode, '0');
    assert.equal(await state(), 8);
    assert.equal((await post('cancelrest')).body.retcode, '0');
    assert.equal((await post('work')).body.retcode, '0');
    assert.equal(await state(), 5);
    assert.equal((await post('cancelwork')).body.retcode, '0');
    assert.equal(await state(), 4);
    assert.deepEqual(
      (await drain(ALICE, guid)).map((e) => [e.eventType, e.content]),
      [
        ['AgentState_SetNotReady_Success', { reason: '201' }],
        ['AgentState_CancelNotReady_Success', null],
        ['AgentState_SetRest_Success', { restcause: '7' }],
        ['AgentState_CancelRest_Success', null],
        ['AgentState_Work', null],
        ['AgentState_CancelWork_Success', null],
      ],
    );
    assert.equal((await post('saybusy?reason=300')).body.retcode, huaweiRetcodes.INVALID_PARAMETER);
    assert.equal((await post('rest/0/1')).body.retcode, huaweiRetcodes.INVALID_PARAMETER);
    await signOut(ALICE, guid);
    assert.equal(
      await http('GET', `${gw}/onlineagent/${ALICE}/agentstatus`, undefined, { Guid: guid }).then((r) => r.body.retcode),
      huaweiRetcodes.SESSION_EXPIRED,
    );
  });

  it('checks every sign-in parameter against its limits, and the credentials', async () => {
    const cases: Array<[number, Record<string, unknown>, string, string]> = [
      [100, { password: 'x' }, 'loginex', huaweiSignInRetcodes.INVALID_PARAMETER],
      [60000, { password: 'x' }, 'loginex', huaweiSignInRetcodes.INVALID_PARAMETER],
      [ALICE, {}, 'loginex', huaweiSignInRetcodes.MISSING_PARAMETER],
      [ALICE, { password: 'p'.repeat(33) }, 'loginex', huaweiSignInRetcodes.INVALID_PARAMETER],
      [ALICE, { password: 'alice-pw', phonenum: '1'.repeat(25) }, 'loginex', huaweiSignInRetcodes.INVALID_PARAMETER],
      [ALICE, { password: 'alice-pw' }, '', huaweiSignInRetcodes.MISSING_PARAMETER], // plain sign-in needs phonenum
      [ALICE, { password: 'alice-pw', status: 6 }, 'loginex', huaweiSignInRetcodes.INVALID_PARAMETER],
      [ALICE, { password: 'alice-pw', agenttype: 5 }, 'loginex', '100-012'],
      [ALICE, { password: 'alice-pw', ip: '::1' }, 'loginex', '100-016'],
      [ALICE, { password: 'alice-pw', ip: '1234567890123456' }, 'loginex', '100-016'],
      [ALICE, { password: 'alice-pw', autoanswer: 'maybe' }, 'loginex', huaweiSignInRetcodes.INVALID_PARAMETER],
      [ALICE, { password: 'wrong' }, 'loginex', huaweiSignInRetcodes.UNAUTHENTICATED],
      [299, { password: 'alice-pw' }, 'loginex', huaweiSignInRetcodes.UNAUTHENTICATED],
    ];
    for (const [id, body, path, retcode] of cases) {
      const r = await signIn(id, body, path);
      assert.equal(r.body.retcode, retcode, `${id} ${JSON.stringify(body)} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.headers.get('set-guid'), null);
    }
    assert.equal(
      (await b.engine.agentState('alice')).ok && ((await b.engine.agentState('alice')) as any).value.loggedIn,
      false,
      'a refused sign-in changes nothing',
    );
    assert.equal(huaweiSignInRetcodes.MISSING_PARAMETER, '100-001');
    assert.equal(huaweiSignInRetcodes.UNAUTHENTICATED, '100-004');

    const first = await signIn(ALICE, { password: 'alice-pw', phonenum: '1001' }, '');
    assert.equal(first.body.retcode, '0');
    assert.equal((await signIn(ALICE, { password: 'alice-pw' })).body.retcode, huaweiSignInRetcodes.AGENT_ALREADY_LOGGED_IN);
    const forced = await signIn(ALICE, { password: 'alice-pw', phonenum: '1001' }, 'forcelogin');
    assert.equal(forced.body.retcode, '0');
    // The first Guid died with the forced sign-in.
    assert.equal((await http('GET', `${gw}/agentevent/${ALICE}`, undefined, { Guid: guidOf(first) })).body.retcode, huaweiRetcodes.SESSION_EXPIRED);
    await signOut(ALICE, guidOf(forced));
  });

  it('guards every call with the Guid: missing, foreign, rotated and expired', async () => {
    const r = await signIn(ALICE, { password: 'alice-pw' });
    const guid = guidOf(r);
    assert.equal((await http('POST', `${gw}/onlineagent/${ALICE}/sayfree`)).body.retcode, huaweiRetcodes.SESSION_EXPIRED);
    assert.equal((await http('POST', `${gw}/onlineagent/${ALICE}/sayfree`, undefined, { Guid: 'nonsense' })).body.retcode, '000-003');
    const dave = guidOf(await signIn(203, { password: 'dave-pw' }));
    assert.equal((await http('POST', `${gw}/onlineagent/${ALICE}/sayfree`, undefined, { Guid: dave })).body.retcode, huaweiRetcodes.AGENT_NOT_LOGGED_IN);
    assert.equal(huaweiRetcodes.AGENT_NOT_LOGGED_IN, '100-006');
    await signOut(ALICE, guid);
    await signOut(203, dave);
  });

  it('hands out a new Guid on a poll once the old one is due, and signs out an agent that stops polling', async () => {
    const fast = await startFacesBridge({ faces: { huawei: { pollWaitSeconds: 0, keepAliveSeconds: 1, guidRotateSeconds: 0.2 } } });
    try {
      const url = `${fast.url}/agentgateway/resource`;
      const r = await http('PUT', `${url}/onlineagent/${ALICE}/loginex`, { password: 'alice-pw', autoanswer: true });
      const first = guidOf(r);
      await new Promise((res) => setTimeout(res, 250));
      const polled = await http('GET', `${url}/agentevent/${ALICE}`, undefined, { Guid: first });
      const second = guidOf(polled);
      assert.match(second, /\.AgentGateway0$/);
      assert.notEqual(second, first);
      // The old Guid still works for requests already under way.
      assert.equal((await http('GET', `${url}/agentevent/${ALICE}`, undefined, { Guid: first })).body.retcode, '0');
      assert.equal((await fast.rest('checkSessionState', { sessionId: 'none' })).result, 'FAILED');
      // autoanswer: an offered session goes straight to ASSIGNED
      await soapStart(fast, 'CHAT', 'auto-1');
      assert.equal((await soapStatus(fast, 'auto-1')).status, 'ASSIGNED');
      // No polling for longer than the keep-alive: signed out, the session goes back to its queue.
      await eventually(
        async () => {
          const s = await fast.engine.agentState('alice');
          return s.ok && !s.value.loggedIn;
        },
        5000,
        'sign-out after the keep-alive',
      );
      assert.equal((await soapStatus(fast, 'auto-1')).status, 'QUEUED');
      assert.equal((await http('GET', `${url}/agentevent/${ALICE}`, undefined, { Guid: second })).body.retcode, huaweiRetcodes.SESSION_EXPIRED);
    } finally {
      await fast.close();
    }
  });
});
