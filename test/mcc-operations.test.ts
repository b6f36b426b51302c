import assert from 'node:assert/strict';
import type { OperationName } from '../src/contract/index.js';
import { startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * Every MCC operation over both faces: success, and each fail reason of its table that the
 * embedded engine can produce, checked in the spec's order where two apply at once. The same
 * table of cases runs over REST (fetch) and SOAP (a node-soap client built from the served WSDL).
 */
type Face = 'rest' | 'soap';
type Params = Record<string, string | string[] | number | undefined>;

function caller(b: TestBridge, face: Face) {
  return async (op: OperationName, params: Params = {}) => {
    if (face === 'rest') {
      const res = await b.rest(
        op,
        Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])) as Record<string, string>,
      );
      assert.equal(res.httpStatus, 200, `HTTP ${res.httpStatus} ${JSON.stringify(res)}`);
      delete res.httpStatus;
      return res;
    }
    return b.soap(op, Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)));
  };
}

for (const face of ['rest', 'soap'] as const) {
  describe(`MCC operations over ${face.toUpperCase()}`, () => {
    let b: TestBridge;
    let call: ReturnType<typeof caller>;
    beforeEach(async () => {
      b = await startTestBridge();
      call = caller(b, face);
    });
    afterEach(() => b.close());

    const start = async (params: Params = {}) => {
      const r = await call('startSession', { channelId: 1003, serviceid: 'CHAT', ...params });
      assert.equal(r.result, 'SUCCESS', JSON.stringify(r));
      return r.sessionId as string;
    };
    const expectFail = (r: Record<string, any>, failReason: string) => {
      assert.equal(r.result, 'FAILED', JSON.stringify(r));
      assert.equal(r.failReason, failReason, JSON.stringify(r));
      assert.ok(typeof r.failReasonMessage === 'string' && r.failReasonMessage.length > 5, 'a message a person can act on');
    };

    describe('startSession', () => {
      it('succeeds with a generated id, echoing the contact', async () => {
        const r = await call('startSession', { channelId: 1003, serviceid: 'CHAT', data: 'd', contactId: 'c-1', contactValue: '+39 02 1234' });
        assert.equal(r.result, 'SUCCESS');
        assert.match(r.sessionId, /^[0-9a-f-]{36}$/);
        assert.equal(r.contactId, 'c-1');
        assert.equal(r.contactValue, '+39 02 1234');
        assert.equal(r.failReason, undefined);
        const check = await call('checkSessionState', { sessionId: r.sessionId });
        assert.equal(check.status, 'NEW');
      });
      it('keeps a client-provided session id', async () => {
        assert.equal(await start({ sessionId: 'web:chat_42.a-b' }), 'web:chat_42.a-b');
      });
      it('REQUIRED_PARAMETERS when channelId or serviceid is missing or empty', async () => {
        expectFail(await call('startSession', { serviceid: 'CHAT' }), 'REQUIRED_PARAMETERS');
        expectFail(await call('startSession', { channelId: 1003 }), 'REQUIRED_PARAMETERS');
        expectFail(await call('startSession', { channelId: 1003, serviceid: '' }), 'REQUIRED_PARAMETERS');
      });
      it('INVALID_CHANNEL_ID for a channel that is not an MCC channel', async () => {
        expectFail(await call('startSession', { channelId: 42, serviceid: 'CHAT' }), 'INVALID_CHANNEL_ID');
        expectFail(await call('startSession', { channelId: -1, serviceid: 'CHAT' }), 'INVALID_CHANNEL_ID');
      });
      it('UNKNOWN_CHANNEL_ID for an MCC channel this installation has not configured', async () => {
        expectFail(await call('startSession', { channelId: 3, serviceid: 'CHAT' }), 'UNKNOWN_CHANNEL_ID');
      });
      it('CHANNEL_NOT_ENABLED', async () => {
        expectFail(await call('startSession', { channelId: 2, serviceid: 'X' }), 'CHANNEL_NOT_ENABLED');
      });
      it('NO_LICENSE once the concurrent sessions of the license are in use, and again free after a close', async () => {
        const first = await call('startSession', { channelId: 1, serviceid: 'T1' });
        assert.equal(first.result, 'SUCCESS');
        expectFail(await call('startSession', { channelId: 1, serviceid: 'T1' }), 'NO_LICENSE');
        assert.equal((await call('closeSession', { sessionId: first.sessionId })).result, 'SUCCESS');
        assert.equal((await call('startSession', { channelId: 1, serviceid: 'T1' })).result, 'SUCCESS');
      });
      it('UNKNOWN_SERVICE and SERVICE_NOT_ENABLED', async () => {
        expectFail(await call('startSession', { channelId: 1003, serviceid: 'NOPE' }), 'UNKNOWN_SERVICE');
        expectFail(await call('startSession', { channelId: 1003, serviceid: 'DISABLED' }), 'SERVICE_NOT_ENABLED');
      });
      it('DUPLICATED_SESSION_ID, also for a closed session still retained', async () => {
        await start({ sessionId: 'dup-1' });
        expectFail(await call('startSession', { channelId: 1003, serviceid: 'CHAT', sessionId: 'dup-1' }), 'DUPLICATED_SESSION_ID');
        await call('closeSession', { sessionId: 'dup-1' });
        expectFail(await call('startSession', { channelId: 1003, serviceid: 'CHAT', sessionId: 'dup-1' }), 'DUPLICATED_SESSION_ID');
      });
      it('GENERIC for a malformed client session id, and nothing is created', async () => {
        const r = await call('startSession', { channelId: 1003, serviceid: 'CHAT', sessionId: 'has space/and slash' });
        expectFail(r, 'GENERIC');
        assert.match(r.failReasonMessage, /sessionId/);
        expectFail(await call('startSession', { channelId: 1003, serviceid: 'CHAT', sessionId: 'x'.repeat(129) }), 'GENERIC');
      });
      it('answers the first failing check when several apply, in the spec order', async () => {
        // missing serviceid beats a bad channel; bad channel beats everything else …
        expectFail(await call('startSession', { channelId: 42 }), 'REQUIRED_PARAMETERS');
        expectFail(await call('startSession', { channelId: 42, serviceid: 'NOPE', sessionId: 'bad id' }), 'INVALID_CHANNEL_ID');
        // … unknown channel beats unknown service, a disabled channel beats an unknown service,
        expectFail(await call('startSession', { channelId: 3, serviceid: 'NOPE' }), 'UNKNOWN_CHANNEL_ID');
        expectFail(await call('startSession', { channelId: 2, serviceid: 'NOPE' }), 'CHANNEL_NOT_ENABLED');
        // … a full license beats an unknown service, and the service beats a duplicate id.
        await call('startSession', { channelId: 1, serviceid: 'T1', sessionId: 'lic-1' });
        expectFail(await call('startSession', { channelId: 1, serviceid: 'NOPE' }), 'NO_LICENSE');
        await start({ sessionId: 'dup-2' });
        expectFail(await call('startSession', { channelId: 1003, serviceid: 'DISABLED', sessionId: 'dup-2' }), 'SERVICE_NOT_ENABLED');
      });
    });

    describe('sessionAccept', () => {
      it('without a user queues the session (NEW → QUEUED)', async () => {
        const id = await start();
        const r = await call('sessionAccept', { sessionId: id });
        assert.deepEqual([r.result, r.sessionId, r.status], ['SUCCESS', id, 'QUEUED']);
        assert.equal((await call('checkSessionState', { sessionId: id })).status, 'QUEUED');
      });
      it('routes to a ready skilled agent at once (BOOKED with username)', async () => {
        await b.engine.agentLogin('alice', [1003]);
        await b.engine.agentReady('alice');
        const id = await start();
        assert.equal((await call('sessionAccept', { sessionId: id })).status, 'BOOKED');
        const check = await call('checkSessionState', { sessionId: id });
        assert.equal(check.username, 'alice');
      });
      it('with a user books it to that agent, or ASSIGNED when the agent auto-answers', async () => {
        await b.engine.agentLogin('alice', [1003]);
        await b.engine.agentLogin('bob', [1003]);
        const one = await start();
        assert.equal((await call('sessionAccept', { sessionId: one, user: 'alice' })).status, 'BOOKED');
        const two = await start();
        assert.equal((await call('sessionAccept', { sessionId: two, user: 'bob' })).status, 'ASSIGNED');
        assert.equal((await call('checkSessionState', { sessionId: two })).username, 'bob');
      });
      it('INVALID_SESSION_ID for a missing, malformed or unknown id', async () => {
        expectFail(await call('sessionAccept', {}), 'INVALID_SESSION_ID');
        expectFail(await call('sessionAccept', { sessionId: 'bad id' }), 'INVALID_SESSION_ID');
        expectFail(await call('sessionAccept', { sessionId: 'nope' }), 'INVALID_SESSION_ID');
      });
      it('SESSION_CLOSED', async () => {
        const id = await start();
        await call('closeSession', { sessionId: id });
        expectFail(await call('sessionAccept', { sessionId: id }), 'SESSION_CLOSED');
      });
      it('SERVICE_NOT_ENABLED when the service was disabled after the start', async () => {
        const id = await start();
        assert.equal((await b.engine.setServiceEnabled(1003, 'CHAT', false)).ok, true);
        expectFail(await call('sessionAccept', { sessionId: id }), 'SERVICE_NOT_ENABLED');
        assert.equal((await call('checkSessionState', { sessionId: id })).status, 'NEW', 'nothing changed');
      });
      it('REQUEST_REJECTED_BY_SERVICE for an unknown, absent, unskilled, non-agent or busy user', async () => {
        await b.engine.agentLogin('alice', [1003]);
        await b.engine.agentLogin('dave', [1003]);
        const id = await start();
        expectFail(await call('sessionAccept', { sessionId: id, user: 'zed' }), 'REQUEST_REJECTED_BY_SERVICE');
        expectFail(await call('sessionAccept', { sessionId: id, user: 'bob' }), 'REQUEST_REJECTED_BY_SERVICE'); // not logged in
        expectFail(await call('sessionAccept', { sessionId: id, user: 'dave' }), 'REQUEST_REJECTED_BY_SERVICE'); // not skilled for CHAT
        expectFail(await call('sessionAccept', { sessionId: id, user: 'carol' }), 'REQUEST_REJECTED_BY_SERVICE'); // supervisor only
        const other = await start();
        assert.equal((await call('sessionAccept', { sessionId: other, user: 'alice' })).status, 'BOOKED');
        expectFail(await call('sessionAccept', { sessionId: id, user: 'alice' }), 'REQUEST_REJECTED_BY_SERVICE'); // capacity 1 in use
        assert.equal((await call('checkSessionState', { sessionId: id })).status, 'NEW', 'nothing changed');
      });
    });

    describe('checkSessionState / checkSessionStateWithData', () => {
      it('tell status, agent, custom message and data', async () => {
        const id = await start({ data: 'start-data' });
        await call('sessionAccept', { sessionId: id });
        const queued = await call('checkSessionState', { sessionId: id });
        assert.equal(queued.status, 'QUEUED');
        assert.match(queued.customMessage, /Position 1 in queue, expected wait/);
        await call('setSessionData', { sessionId: id, sessionData: 'live <data> & more' });
        const withData = await call('checkSessionStateWithData', { sessionId: id });
        assert.deepEqual([withData.result, withData.status, withData.data, withData.sessionData], ['SUCCESS', 'QUEUED', 'start-data', 'live <data> & more']);
      });
      it('show the closed message while a service is OVERTIME', async () => {
        const id = await start({ serviceid: 'NIGHT' });
        assert.match((await call('checkSessionState', { sessionId: id })).customMessage, /We are closed tonight\./);
      });
      for (const op of ['checkSessionState', 'checkSessionStateWithData'] as const) {
        it(`${op}: INVALID_SESSION_ID for a missing, malformed or unknown id`, async () => {
          expectFail(await call(op, {}), 'INVALID_SESSION_ID');
          expectFail(await call(op, { sessionId: '../etc' }), 'INVALID_SESSION_ID');
          const r = await call(op, { sessionId: 'unknown-1' });
          expectFail(r, 'INVALID_SESSION_ID');
          assert.equal(r.sessionId, 'unknown-1');
        });
      }
    });

    describe('setSessionData', () => {
      it('stores and echoes the data, an empty value included', async () => {
        const id = await start();
        const r = await call('setSessionData', { sessionId: id, sessionData: '{"k":"v"}' });
        assert.deepEqual([r.result, r.sessionId, r.sessionData], ['SUCCESS', id, '{"k":"v"}']);
        const cleared = await call('setSessionData', { sessionId: id, sessionData: '' });
        assert.equal(cleared.result, 'SUCCESS');
        assert.equal((await call('checkSessionStateWithData', { sessionId: id })).sessionData ?? '', '');
      });
      it('without sessionData clears the data and answers SUCCESS (the seed marks it optional)', async () => {
        const id = await start();
        assert.equal((await call('setSessionData', { sessionId: id, sessionData: 'to be cleared' })).result, 'SUCCESS');
        const r = await call('setSessionData', { sessionId: id });
        assert.deepEqual([r.result, r.sessionId, r.failReason], ['SUCCESS', id, undefined]);
        assert.equal((await call('checkSessionStateWithData', { sessionId: id })).sessionData ?? '', '');
      });
      it('INVALID_SESSION_ID and SESSION_CLOSED', async () => {
        expectFail(await call('setSessionData', { sessionId: 'unknown', sessionData: 'x' }), 'INVALID_SESSION_ID');
        expectFail(await call('setSessionData', { sessionId: '', sessionData: 'x' }), 'INVALID_SESSION_ID');
        const id = await start();
        await call('closeSession', { sessionId: id });
        expectFail(await call('setSessionData', { sessionId: id, sessionData: 'late' }), 'SESSION_CLOSED');
        assert.equal((await call('checkSessionStateWithData', { sessionId: id })).sessionData, undefined, 'nothing changed');
      });
    });

    describe('closeSession', () => {
      it('closes from either party, and closing again succeeds', async () => {
        const a = await start();
        assert.equal((await call('closeSession', { sessionId: a })).result, 'SUCCESS');
        assert.equal((await call('checkSessionState', { sessionId: a })).status, 'CLOSED');
        assert.equal((await call('closeSession', { sessionId: a })).result, 'SUCCESS');
        const c = await start();
        assert.equal((await call('closeSession', { sessionId: c, reason: 'REQUEST_FROM_CALLEE' })).result, 'SUCCESS');
        assert.equal((await call('checkSessionState', { sessionId: c })).status, 'CLOSED');
      });
      it('frees the agent for the next session in queue', async () => {
        await b.engine.agentLogin('alice', [1003]);
        await b.engine.agentReady('alice');
        const first = await start();
        const second = await start();
        await call('sessionAccept', { sessionId: first });
        await call('sessionAccept', { sessionId: second });
        assert.equal((await call('checkSessionState', { sessionId: second })).status, 'QUEUED');
        await call('closeSession', { sessionId: first });
        const next = await call('checkSessionState', { sessionId: second });
        assert.deepEqual([next.status, next.username], ['BOOKED', 'alice']);
      });
      it('INVALID_SESSION_ID for a missing or malformed id, NOT_FOUND for an unknown one', async () => {
        expectFail(await call('closeSession', {}), 'INVALID_SESSION_ID');
        expectFail(await call('closeSession', { sessionId: 'a b' }), 'INVALID_SESSION_ID');
        expectFail(await call('closeSession', { sessionId: 'never-started' }), 'NOT_FOUND');
      });
    });

    describe('getServiceState', () => {
      it('answers one state per code', async () => {
        await b.engine.agentLogin('alice', [1003]);
        const r = await call('getServiceState', { channelId: 1003, serviceCodes: ['CHAT', 'SALES', 'DISABLED', 'OOS', 'NIGHT', 'NOPE'] });
        assert.equal(r.result, 'SUCCESS');
        assert.equal(r.channelId, 1003);
        assert.deepEqual(r.state, {
          CHAT: 'ACTIVE',
          SALES: 'OUT_OF_SERVICE', // nobody skilled is logged in
          DISABLED: 'SERVICE_NOT_ENABLED',
          OOS: 'OUT_OF_SERVICE',
          NIGHT: 'OVERTIME',
          NOPE: 'UNKNOWN_SERVICE',
        });
      });
      it('tells channel-level states for every code', async () => {
        assert.deepEqual((await call('getServiceState', { channelId: 2, serviceCodes: ['X'] })).state, { X: 'CHANNEL_NOT_ENABLED' });
        await call('startSession', { channelId: 1, serviceid: 'T1' });
        assert.deepEqual((await call('getServiceState', { channelId: 1, serviceCodes: ['T1'] })).state, { T1: 'NO_LICENSE' });
      });
      it('INVALID_CHANNEL_ID and INVALID_SERVICE_CODES', async () => {
        expectFail(await call('getServiceState', { channelId: 7, serviceCodes: ['CHAT'] }), 'INVALID_CHANNEL_ID');
        expectFail(await call('getServiceState', { serviceCodes: ['CHAT'] }), 'INVALID_CHANNEL_ID');
        expectFail(await call('getServiceState', { channelId: 1003 }), 'INVALID_SERVICE_CODES');
        expectFail(await call('getServiceState', { channelId: 1003, serviceCodes: ['CHAT', 'bad code!'] }), 'INVALID_SERVICE_CODES');
      });
    });

    describe('logoutAgentFromChannel', () => {
      it('logs the agent out and puts its sessions back at the head of the queue', async () => {
        await b.engine.agentLogin('alice', [1003, 1]);
        await b.engine.agentReady('alice');
        const held = await start();
        await call('sessionAccept', { sessionId: held });
        const waiting = await start();
        await call('sessionAccept', { sessionId: waiting });
        const r = await call('logoutAgentFromChannel', { channelId: 1003, agentUsername: 'alice' });
        assert.deepEqual([r.result, r.channelId, r.agentUsername], ['SUCCESS', 1003, 'alice']);
        const back = await call('checkSessionState', { sessionId: held });
        assert.equal(back.status, 'QUEUED');
        assert.match(back.customMessage, /Position 1 in queue/);
        const state = await b.engine.agentState('alice');
        assert.ok(state.ok);
        assert.deepEqual(
          state.value.channels.map((c) => c.channelId),
          [1],
          'still logged in on channel 1',
        );
      });
      it('INVALID_CHANNEL_ID, INVALID_USERNAME, INVALID_USER_PROFILES, USER_NOT_LOGGED', async () => {
        expectFail(await call('logoutAgentFromChannel', { channelId: 9, agentUsername: 'alice' }), 'INVALID_CHANNEL_ID');
        expectFail(await call('logoutAgentFromChannel', { channelId: 1003, agentUsername: 'zed' }), 'INVALID_USERNAME');
        expectFail(await call('logoutAgentFromChannel', { channelId: 1003 }), 'INVALID_USERNAME');
        expectFail(await call('logoutAgentFromChannel', { channelId: 1003, agentUsername: 'carol' }), 'INVALID_USER_PROFILES');
        expectFail(await call('logoutAgentFromChannel', { channelId: 1003, agentUsername: 'alice' }), 'USER_NOT_LOGGED');
        await b.engine.agentLogin('alice', [1]);
        expectFail(await call('logoutAgentFromChannel', { channelId: 1003, agentUsername: 'alice' }), 'USER_NOT_LOGGED');
        expectFail(await call('logoutAgentFromChannel', { channelId: 3, agentUsername: 'alice' }), 'USER_NOT_LOGGED');
      });
    });

    it('full lifecycle: start → accept → routed → agent accepts → ASSIGNED → close → CLOSED', async () => {
      await b.engine.agentLogin('alice', [1003]);
      await b.engine.agentReady('alice', 1003);
      const id = await start({ data: 'customer=42' });
      assert.equal((await call('checkSessionState', { sessionId: id })).status, 'NEW');
      assert.equal((await call('sessionAccept', { sessionId: id })).status, 'BOOKED');
      const booked = await call('checkSessionState', { sessionId: id });
      assert.deepEqual([booked.status, booked.username], ['BOOKED', 'alice']);
      assert.match(booked.customMessage, /Offered to Alice Martin/);
      assert.equal((await b.engine.accept(id, 'alice')).ok, true);
      const assigned = await call('checkSessionStateWithData', { sessionId: id });
      assert.deepEqual([assigned.status, assigned.username, assigned.data], ['ASSIGNED', 'alice', 'customer=42']);
      assert.match(assigned.customMessage, /Alice Martin/);
      assert.equal((await call('closeSession', { sessionId: id })).result, 'SUCCESS');
      const closed = await call('checkSessionState', { sessionId: id });
      assert.deepEqual([closed.status, closed.username], ['CLOSED', 'alice']);
    });
  });
}
