import assert from 'node:assert/strict';
import { adapt } from 'cometd-nodejs-client';
import { CometD, type Message } from 'cometd';
import type { TestBridge } from './support/bridge.js';
import { XucClient, basic, eventually, http, startFacesBridge, xucLogin, guidOf } from './support/agent-faces.js';

adapt(); // XMLHttpRequest and WebSocket for the CometD client in Node

/**
 * Issue 12, point 3: one agent state behind every door. Each state change is made through one door
 * (the MCC, Genesys, Huawei, XiVO, or the engine itself) and read through every other: the Huawei
 * agentstatus and its polled AgentState_* event, the XiVO AgentStateEvent, the Genesys
 * GET /api/v2/me?subresources=* and its DeviceStateChangeMessage notification.
 */

type Kind = 'ready' | 'busy' | 'rest' | 'wrap-up' | 'no-answer' | 'paused' | 'in-session' | 'logged-out';

/** What each door shows for each state (backends/agent-state.ts, and each face's own words). */
const SHOWN: Record<Kind, { huawei: number; xivo: string; cause?: string; genesys: string; workMode?: string }> = {
  ready: { huawei: 4, xivo: 'AgentReady', genesys: 'Ready' },
  busy: { huawei: 3, xivo: 'AgentOnPause', cause: 'busy', genesys: 'NotReady', workMode: 'AuxWork' },
  paused: { huawei: 3, xivo: 'AgentOnPause', cause: 'lunch', genesys: 'NotReady', workMode: 'AuxWork' },
  rest: { huawei: 8, xivo: 'AgentOnPause', cause: 'rest:3:60', genesys: 'NotReady', workMode: 'AuxWork' },
  'wrap-up': { huawei: 5, xivo: 'AgentOnWrapup', genesys: 'NotReady', workMode: 'AfterCallWork' },
  'no-answer': { huawei: 3, xivo: 'AgentOnPause', cause: 'no answer', genesys: 'NotReady', workMode: 'AuxWork' },
  // The GWS device shows the availability under it (seenEverywhere's `availability`).
  'in-session': { huawei: 7, xivo: 'AgentOnCall', genesys: 'Ready' },
  'logged-out': { huawei: 2, xivo: 'AgentLoggedOut', genesys: 'LoggedOut' },
};

const ALICE = 201;

describe('agent state matrix: each change through each door, read through every other', () => {
  let b: TestBridge;
  let gw: string;
  let xuc: XucClient;
  let cometd: CometD;
  const notified: any[] = [];
  const alice = { Authorization: basic('alice', 'alice-pw') };
  let guid = '';
  let huaweiLive = false;

  before(async () => {
    b = await startFacesBridge({ faces: { huawei: { pollWaitSeconds: 0.1 } } }, { offerTimeoutSeconds: 1 });
    gw = `${b.url}/agentgateway/resource`;
    xuc = await XucClient.connect(b.url, await xucLogin(b.url, 'alice', 'alice-pw'));
    await xuc.next('LoggedOn');
    xuc.send('subscribeToAgentEvents');
    cometd = new CometD();
    cometd.unregisterTransport('websocket');
    cometd.configure({ url: `${b.url}/api/v2/notifications`, requestHeaders: alice, logLevel: 'warn' });
    await new Promise<void>((resolve, reject) => {
      cometd.handshake((reply: Message) => {
        if (!reply.successful) return reject(new Error(JSON.stringify(reply)));
        cometd.subscribe(
          '/v2/me/devices',
          (m: Message) => notified.push(m.data),
          (s: Message) => (s.successful ? resolve() : reject(new Error(JSON.stringify(s)))),
        );
      });
    });
  });
  after(async () => {
    xuc.close();
    await new Promise<void>((resolve) => cometd.disconnect(() => resolve()));
    await b.close();
  });

  /** Polled Huawei events until the gateway has none left. */
  async function drain(): Promise<any[]> {
    const out: any[] = [];
    for (;;) {
      const r = await http('GET', `${gw}/agentevent/${ALICE}`, undefined, { Guid: guid });
      assert.equal(r.body.retcode, '0', JSON.stringify(r.body));
      if (!r.body.event) return out;
      out.push(r.body.event);
    }
  }

  /** Alice signed in afresh through the Huawei face, ready on chat and email, seen so by every door. */
  async function signInReady(extra: Record<string, unknown> = {}): Promise<void> {
    await b.engine.agentLogout('alice');
    const r = await http('PUT', `${gw}/onlineagent/${ALICE}/loginex`, { password: 'alice-pw', phonenum: '1001', ...extra });
    assert.equal(r.body.retcode, '0', JSON.stringify(r.body));
    guid = guidOf(r);
    huaweiLive = true;
    await seenEverywhere('ready');
  }

  /**
   * Every door shows `kind` (but `except`): the latest state each pushed, and what each answers
   * when asked; the Huawei poll delivers `huaweiEvent` (with `content` when given) as the last state
   * event since the previous read.
   */
  async function seenEverywhere(kind: Kind, expect: { except?: 'huawei'; huaweiEvent?: string; content?: unknown; availability?: Kind } = {}): Promise<void> {
    const shown = SHOWN[kind];
    if (expect.except !== 'huawei' && huaweiLive) {
      const status = await http('GET', `${gw}/onlineagent/${ALICE}/agentstatus`, undefined, { Guid: guid });
      assert.equal(status.body.result?.agentState, shown.huawei, `Huawei agentstatus for ${kind}: ${JSON.stringify(status.body)}`);
      const events = (await drain()).filter((e) => /^AgentState_|^AgentOther_(InService|ShutdownService)$/.test(e.eventType));
      if (expect.huaweiEvent !== undefined) {
        const last = events.at(-1);
        assert.equal(last?.eventType, expect.huaweiEvent, `Huawei events for ${kind}: ${JSON.stringify(events)}`);
        if (expect.content !== undefined) assert.deepEqual(last?.content, expect.content);
      }
    }
    // The latest state XiVO sent (none is sent when the one state did not change).
    const latestXivo = () => xuc.frames.filter((f) => f.msgType === 'AgentStateEvent' && f.ctiMessage.agentId === ALICE).at(-1)?.ctiMessage;
    const event = await eventually(
      () => latestXivo()?.name === shown.xivo && latestXivo(),
      5000,
      `XiVO ${shown.xivo} for ${kind}: ${JSON.stringify(latestXivo())}`,
    );
    if (shown.cause !== undefined) assert.equal(event.cause, shown.cause, `XiVO cause for ${kind}`);

    // The GWS device shows the availability under a session: no notification for the session itself.
    const device = SHOWN[expect.availability ?? kind];
    const me = await http('GET', `${b.url}/api/v2/me?subresources=*`, undefined, alice);
    const state = me.body.user.devices[0].userState;
    assert.equal(state.state, device.genesys, `Genesys device for ${kind}: ${JSON.stringify(state)}`);
    assert.equal(state.workMode, device.workMode, `Genesys workMode for ${kind}`);
    if (expect.availability !== undefined) return;
    const note = await eventually(
      () => notified.at(-1)?.devices[0].userState.state === shown.genesys && notified.at(-1),
      5000,
      `Genesys notification for ${kind}: ${JSON.stringify(notified.at(-1))}`,
    );
    assert.equal(note.messageType, 'DeviceStateChangeMessage');
    assert.equal(note.devices[0].userState.workMode, shown.workMode);
  }

  const post = (path: string) => http('POST', `${gw}/onlineagent/${ALICE}/${path}`, undefined, { Guid: guid });
  const xucSend = (command: string, args: Record<string, unknown> = {}) => xuc.send(command, args);
  const genesys = (path: string, operationName: string) => http('POST', `${b.url}/api/v2/me${path}`, { operationName }, alice);

  // ---------------------------------------------------------------- the Huawei door

  it('Huawei sayfree, saybusy, rest, work and logout', async () => {
    await signInReady();
    assert.equal((await post('saybusy')).body.retcode, '0');
    await seenEverywhere('busy', { huaweiEvent: 'AgentState_SetNotReady_Success', content: { reason: '1' } });
    assert.equal((await post('sayfree')).body.retcode, '0');
    await seenEverywhere('ready', { huaweiEvent: 'AgentState_CancelNotReady_Success' });
    assert.equal((await post('rest/60/3')).body.retcode, '0');
    await seenEverywhere('rest', { huaweiEvent: 'AgentState_SetRest_Success', content: { restcause: '3' } });
    assert.equal((await post('cancelrest')).body.retcode, '0');
    await seenEverywhere('ready', { huaweiEvent: 'AgentState_CancelRest_Success' });
    assert.equal((await post('work')).body.retcode, '0');
    await seenEverywhere('wrap-up', { huaweiEvent: 'AgentState_Work' });
    assert.equal((await http('DELETE', `${gw}/onlineagent/${ALICE}/logout`, undefined, { Guid: guid })).body.retcode, '0');
    huaweiLive = false;
    await seenEverywhere('logged-out');
  });

  // ---------------------------------------------------------------- the Genesys door

  it('Genesys Ready, NotReady, AfterCallWork and EndContactCenterSession', async () => {
    await signInReady();
    assert.equal((await genesys('', 'NotReady')).body.statusCode, 0);
    await seenEverywhere('busy', { huaweiEvent: 'AgentState_SetNotReady_Success', content: { reason: '1' } });
    assert.equal((await genesys('', 'Ready')).body.statusCode, 0);
    await seenEverywhere('ready', { huaweiEvent: 'AgentState_CancelNotReady_Success' });
    // After-call work on one channel only: the agent is in wrap-up (it comes before ready).
    assert.equal((await genesys('/channels/chat', 'AfterCallWork')).body.statusCode, 0);
    await seenEverywhere('wrap-up', { huaweiEvent: 'AgentState_Work' });
    const channels = (await http('GET', `${b.url}/api/v2/me?subresources=*`, undefined, alice)).body.user.channels;
    assert.deepEqual(
      channels.map((c: any) => [c.channel, c.userState.state, c.userState.workMode]),
      [
        ['chat', 'NotReady', 'AfterCallWork'],
        ['email', 'Ready', undefined],
      ],
    );
    assert.equal((await genesys('/channels/chat', 'Ready')).body.statusCode, 0);
    await seenEverywhere('ready', { huaweiEvent: 'AgentState_CancelWork_Success' });
    assert.equal((await genesys('', 'EndContactCenterSession')).body.statusCode, 0);
    await seenEverywhere('logged-out', { huaweiEvent: 'AgentOther_ShutdownService' });
  });

  // ---------------------------------------------------------------- the XiVO door

  it('XiVO pauseAgent, unpauseAgent and agentLogout', async () => {
    await signInReady();
    xucSend('pauseAgent', { reason: 'lunch' });
    await seenEverywhere('paused', { huaweiEvent: 'AgentState_SetNotReady_Success', content: { reason: '1' } });
    xucSend('unpauseAgent');
    await seenEverywhere('ready', { huaweiEvent: 'AgentState_CancelNotReady_Success' });
    xucSend('agentLogout');
    await seenEverywhere('logged-out', { huaweiEvent: 'AgentOther_ShutdownService' });
  });

  // ---------------------------------------------------------------- the MCC door

  it('MCC logoutAgentFromChannel: logged in on one channel is logged in; on none, logged out', async () => {
    await signInReady();
    assert.equal((await b.rest('logoutAgentFromChannel', { channelId: '1003', agentUsername: 'alice' })).result, 'SUCCESS');
    await seenEverywhere('ready'); // still ready on email
    assert.equal((await b.rest('logoutAgentFromChannel', { channelId: '1', agentUsername: 'alice' })).result, 'SUCCESS');
    await seenEverywhere('logged-out', { huaweiEvent: 'AgentOther_ShutdownService' });
  });

  // ---------------------------------------------------------------- the engine itself

  it("the engine's wrap-up after each session, on each channel: in wrap-up everywhere, and every AgentState_Work delivered", async () => {
    await signInReady({ autoenteridle: false });
    const session = async (id: string, channelId: string, serviceid: string, availability: Kind) => {
      assert.equal((await b.rest('startSession', { channelId, serviceid, sessionId: id })).result, 'SUCCESS');
      assert.equal((await b.rest('sessionAccept', { sessionId: id, user: 'alice' })).result, 'SUCCESS');
      assert.equal((await http('PUT', `${gw}/voicecall/${ALICE}/answer?callid=${id}`, undefined, { Guid: guid })).body.retcode, '0');
      await seenEverywhere('in-session', { availability });
      assert.equal((await b.rest('closeSession', { sessionId: id })).result, 'SUCCESS');
    };
    await session('matrix-chat', '1003', 'CHAT', 'ready');
    // Wrap-up on chat, still ready on email: wrap-up wins, on every door.
    await seenEverywhere('wrap-up', { huaweiEvent: 'AgentState_Work' });
    // A second session on email while wrapping up chat: its own wrap-up is told again.
    await session('matrix-mail', '1', 'MAIL', 'wrap-up');
    await seenEverywhere('wrap-up', { huaweiEvent: 'AgentState_Work' });
    assert.equal((await post('sayfree')).body.retcode, '0');
    await seenEverywhere('ready');
  });

  it("the engine's no answer after an offer times out", async () => {
    await signInReady({ autoanswer: false });
    assert.equal((await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: 'matrix-unanswered' })).result, 'SUCCESS');
    assert.equal((await b.rest('sessionAccept', { sessionId: 'matrix-unanswered', user: 'alice' })).result, 'SUCCESS');
    await eventually(
      async () => (await b.rest('checkSessionState', { sessionId: 'matrix-unanswered' })).status === 'QUEUED',
      5000,
      'the offer back in the queue',
    );
    await seenEverywhere('no-answer', { huaweiEvent: 'AgentState_SetNotReady_Success', content: { reason: '2' } });
    assert.equal((await b.rest('closeSession', { sessionId: 'matrix-unanswered' })).result, 'SUCCESS');
  });
});
