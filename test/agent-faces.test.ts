import assert from 'node:assert/strict';
import {
  genesysStatusCodes,
  genesysStatusMessages,
  huaweiRetcodeMessages,
  huaweiRetcodes,
  huaweiSignInRetcodes,
  reasons,
  xivoErrorNames,
  xivoErrors,
} from '../src/reasons/index.js';
import type { TestBridge } from './support/bridge.js';
import { XucClient, basic, eventually, http, startFacesBridge, xucLogin, guidOf } from './support/agent-faces.js';

describe('agent faces together', () => {
  it('the shared reason catalog has a vendor code for every reason, on every face, and only documented codes', () => {
    for (const reason of reasons) {
      const g = genesysStatusCodes[reason];
      assert.ok(g in genesysStatusMessages && g !== 7, `Genesys statusCode for ${reason}: ${g}`);
      for (const table of [huaweiRetcodes, huaweiSignInRetcodes])
        assert.ok(table[reason] in huaweiRetcodeMessages, `Huawei retcode for ${reason}: ${table[reason]}`);
      assert.ok(xivoErrors[reason] in xivoErrorNames, `XiVO error for ${reason}: ${xivoErrors[reason]}`);
    }
    // The seed's own examples.
    assert.equal(genesysStatusCodes.INVALID_PARAMETER, 2);
    assert.equal(genesysStatusCodes.UNKNOWN_CHANNEL, 3);
    assert.equal(genesysStatusCodes.UNAUTHENTICATED, 20);
    assert.equal(huaweiRetcodes.AGENT_ALREADY_LOGGED_IN, '100-002');
    assert.equal(xivoErrors.AGENT_ALREADY_LOGGED_IN, 'LoggedInOnAnotherPhone');
  });

  describe('one agent state behind every door', () => {
    let b: TestBridge;
    before(async () => {
      b = await startFacesBridge({ faces: { huawei: { pollWaitSeconds: 0.2 } } });
    });
    after(() => b.close());

    it('a logout through the MCC is seen through the Huawei, XiVO and Genesys faces', async () => {
      const gw = `${b.url}/agentgateway/resource`;
      const signIn = await http('PUT', `${gw}/onlineagent/201/loginex`, { password: 'alice-pw', phonenum: '1001' });
      const guid = guidOf(signIn);
      const xuc = await XucClient.connect(b.url, await xucLogin(b.url, 'alice', 'alice-pw'));
      try {
        xuc.send('getAgentStates');
        await xuc.next('AgentStateEvent', (m) => m.agentId === 201 && m.name === 'AgentReady');
        const me = await http('GET', `${b.url}/api/v2/me`, undefined, { Authorization: basic('alice', 'alice-pw') });
        assert.equal(me.body.user.devices[0].userState.state, 'Ready');

        for (const channelId of ['1003', '1']) {
          const out = await b.rest('logoutAgentFromChannel', { channelId, agentUsername: 'alice' });
          assert.equal(out.result, 'SUCCESS', JSON.stringify(out));
        }
        await eventually(
          async () => {
            const r = await http('GET', `${gw}/agentevent/201`, undefined, { Guid: guid });
            return r.body.event?.eventType === 'AgentOther_ShutdownService';
          },
          5000,
          'Huawei AgentOther_ShutdownService',
        );
        await xuc.next('AgentStateEvent', (m) => m.agentId === 201 && m.name === 'AgentLoggedOut');
        const after = await http('GET', `${b.url}/api/v2/me`, undefined, { Authorization: basic('alice', 'alice-pw') });
        assert.equal(after.body.user.devices[0].userState.state, 'LoggedOut');
        // …and a logout through a face is seen by the MCC: the agent is no longer logged in.
        const mark = xuc.count;
        const again = await http('PUT', `${gw}/onlineagent/201/loginex`, { password: 'alice-pw' });
        assert.equal(again.body.retcode, '0', 'signed out, so it may sign in again');
        await xuc.next('AgentStateEvent', (m) => m.agentId === 201 && m.name === 'AgentReady', mark);
        const mark2 = xuc.count;
        xuc.send('agentLogout', {});
        await xuc.next('AgentStateEvent', (m) => m.agentId === 201 && m.name === 'AgentLoggedOut', mark2);
        assert.equal((await b.rest('logoutAgentFromChannel', { channelId: '1003', agentUsername: 'alice' })).failReason, 'USER_NOT_LOGGED');
      } finally {
        xuc.close();
      }
    });

    it('a not-ready reason set through one face reads the same through the others, in the words the store keeps', async () => {
      const gw = `${b.url}/agentgateway/resource`;
      const alice = { Authorization: basic('alice', 'alice-pw') };
      const signIn = await http('PUT', `${gw}/onlineagent/201/loginex`, { password: 'alice-pw', phonenum: '1001' });
      assert.equal(signIn.body.retcode, '0', JSON.stringify(signIn.body));
      const guid = guidOf(signIn);
      const huaweiState = async () => (await http('GET', `${gw}/onlineagent/201/agentstatus`, undefined, { Guid: guid })).body.result.agentState;
      const genesysState = async () => (await http('GET', `${b.url}/api/v2/me`, undefined, alice)).body.user.devices[0].userState;
      const xuc = await XucClient.connect(b.url, await xucLogin(b.url, 'alice', 'alice-pw'));
      try {
        await xuc.next('LoggedOn');
        xuc.send('getAgentStates');
        await xuc.next('AgentStateEvent', (m) => m.agentId === 201 && m.name === 'AgentReady');

        // A Huawei rest: state 8 there, a pause named by its stored words on the others.
        assert.equal((await http('POST', `${gw}/onlineagent/201/rest/60/3`, undefined, { Guid: guid })).body.retcode, '0');
        assert.equal(await huaweiState(), 8);
        assert.deepEqual(await genesysState(), {
          id: 'NotReady-AuxWork',
          displayName: 'rest:3:60',
          state: 'NotReady',
          workMode: 'AuxWork',
          reason: 'rest:3:60',
        });
        await xuc.next('AgentStateEvent', (m) => m.agentId === 201 && m.name === 'AgentOnPause' && m.cause === 'rest:3:60');

        // A XiVO pause label is a label, even one that starts like a rest: busy (3) for the gateway.
        xuc.send('pauseAgent', { reason: 'restroom' });
        await xuc.next('AgentStateEvent', (m) => m.agentId === 201 && m.name === 'AgentOnPause' && m.cause === 'restroom');
        assert.equal(await huaweiState(), 3);
        assert.equal((await genesysState()).displayName, 'restroom');

        // Genesys AfterCallWork is wrap-up everywhere.
        for (const channel of ['chat', 'email']) {
          assert.equal((await http('POST', `${b.url}/api/v2/me/channels/${channel}`, { operationName: 'AfterCallWork' }, alice)).body.statusCode, 0);
        }
        await xuc.next('AgentStateEvent', (m) => m.agentId === 201 && m.name === 'AgentOnWrapup');
        assert.equal(await huaweiState(), 5);
      } finally {
        xuc.close();
        await http('DELETE', `${gw}/onlineagent/201/forcelogout`, undefined, { Guid: guid });
      }
    });
  });

  it('200 agents and 2,000 sessions: every session ASSIGNED exactly once, no agent over capacity', async function () {
    this.timeout(180_000);
    const agents = Array.from({ length: 200 }, (_, i) => ({
      username: `agent${i}`,
      password: `pw${i}`,
      agentId: 1000 + i,
      skills: ['CHAT'],
      capacity: { 1003: 10 },
    }));
    const b = await startFacesBridge({ faces: { huawei: { pollWaitSeconds: 0 } } }, { agents });
    try {
      const gw = `${b.url}/agentgateway/resource`;
      // Everyone signs in through the Huawei face with auto-answer, concurrently.
      await Promise.all(
        agents.map(async (a) => {
          const r = await http('PUT', `${gw}/onlineagent/${a.agentId}/loginex`, { password: a.password, autoanswer: true });
          assert.equal(r.body.retcode, '0', JSON.stringify(r.body));
        }),
      );
      // 2,000 integrator sessions over REST, 50 at a time.
      const ids = Array.from({ length: 2000 }, (_, i) => `load-${i}`);
      let next = 0;
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          while (next < ids.length) {
            const sessionId = ids[next++] as string;
            assert.equal((await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT', sessionId })).result, 'SUCCESS');
            assert.equal((await b.rest('sessionAccept', { sessionId })).result, 'SUCCESS');
          }
        }),
      );
      const perAgent = new Map<string, number>();
      for (const sessionId of ids) {
        const s = await b.rest('checkSessionState', { sessionId });
        assert.equal(s.status, 'ASSIGNED', `${sessionId}: ${JSON.stringify(s)}`);
        perAgent.set(s.username, (perAgent.get(s.username) ?? 0) + 1);
      }
      assert.equal(
        [...perAgent.values()].reduce((x, y) => x + y, 0),
        2000,
      );
      assert.ok(
        [...perAgent.values()].every((n) => n <= 10),
        'no agent over its capacity of 10',
      );
      // Exactly once: one ASSIGNED event per session in the agents' logs.
      const assigned = new Map<string, number>();
      for (const a of agents) {
        const events = await b.engine.agentEvents(a.username, 0, 1000);
        assert.ok(events.ok);
        for (const e of events.value) if (e.kind === 'ASSIGNED') assigned.set(e.sessionId as string, (assigned.get(e.sessionId as string) ?? 0) + 1);
      }
      assert.equal(assigned.size, 2000);
      assert.ok([...assigned.values()].every((n) => n === 1));
    } finally {
      await b.close();
    }
  });
});
