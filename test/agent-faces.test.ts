import assert from 'node:assert/strict';
import {
  genesysStatusCodes, genesysStatusMessages, huaweiRetcodeMessages, huaweiRetcodes, huaweiSignInRetcodes, reasons, xivoErrorNames, xivoErrors,
} from '../src/reasons/index.js';
import type { TestBridge } from './support/bridge.js';
import { XucClient, basic, eventually, http, startFacesBridge, xucLogin } from './support/agent-faces.js';

describe('agent faces together', () => {
  it('the shared reason catalog has a vendor code for every reason, on every face, and only documented codes', () => {
    for (const reason of reasons) {
      const g = genesysStatusCodes[reason];
      assert.ok(g in genesysStatusMessages && g !== 7, `Genesys statusCode for ${reason}: ${g}`);
      for (const table of [huaweiRetcodes, huaweiSignInRetcodes]) assert.ok(table[reason] in huaweiRetcodeMessages, `Huawei retcode for ${reason}: ${table[reason]}`);
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
      const guid = (signIn.headers.get('set-guid') ?? '').replace(/^JSESSIONID=/, '');
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
        await eventually(async () => {
          const r = await http('GET', `${gw}/agentevent/201`, undefined, { Guid: guid });
          return r.body.event?.eventType === 'AgentOther_ShutdownService';
        }, 5000, 'Huawei AgentOther_ShutdownService');
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
  });

  it('200 agents and 2,000 sessions: every session ASSIGNED exactly once, no agent over capacity', async function () {
    this.timeout(180_000);
    const agents = Array.from({ length: 200 }, (_, i) => ({
      username: `agent${i}`, password: `pw${i}`, agentId: 1000 + i, skills: ['CHAT'], capacity: { 1003: 10 },
    }));
    const b = await startFacesBridge({ faces: { huawei: { pollWaitSeconds: 0 } } }, { agents });
    try {
      const gw = `${b.url}/agentgateway/resource`;
      // Everyone signs in through the Huawei face with auto-answer, concurrently.
      await Promise.all(agents.map(async (a) => {
        const r = await http('PUT', `${gw}/onlineagent/${a.agentId}/loginex`, { password: a.password, autoanswer: true });
        assert.equal(r.body.retcode, '0', JSON.stringify(r.body));
      }));
      // 2,000 integrator sessions over REST, 50 at a time.
      const ids = Array.from({ length: 2000 }, (_, i) => `load-${i}`);
      let next = 0;
      await Promise.all(Array.from({ length: 50 }, async () => {
        while (next < ids.length) {
          const sessionId = ids[next++] as string;
          assert.equal((await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT', sessionId })).result, 'SUCCESS');
          assert.equal((await b.rest('sessionAccept', { sessionId })).result, 'SUCCESS');
        }
      }));
      const perAgent = new Map<string, number>();
      for (const sessionId of ids) {
        const s = await b.rest('checkSessionState', { sessionId });
        assert.equal(s.status, 'ASSIGNED', `${sessionId}: ${JSON.stringify(s)}`);
        perAgent.set(s.username, (perAgent.get(s.username) ?? 0) + 1);
      }
      assert.equal([...perAgent.values()].reduce((x, y) => x + y, 0), 2000);
      assert.ok([...perAgent.values()].every((n) => n <= 10), 'no agent over its capacity of 10');
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
