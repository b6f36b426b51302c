import assert from 'node:assert/strict';
import type { TestBridge } from './support/bridge.js';
import { FACES_EMBEDDED, logoutEveryone, soapStart, soapStatus, startFacesBridge, xucSockets, type XucClient } from './support/agent-faces.js';

/**
 * Issue 12 points 5–7: the frames XiVO's own browser libraries send, as they send them, and the
 * events they wait for. The frame shapes follow cti.js / callback.js / membership.js as xucserver
 * ships them (copies in pluginsGLPI/xivo js/xivo/*.js) and the consumers in xucmgt (XucAgent,
 * XucMembership, XucCallback, XucPhoneEventListener, XucSheet) and GLPI js/xuc.js.
 */

/** bob as the sample configuration has him: an agent who is a supervisor too, of nothing in particular. */
const AGENTS = FACES_EMBEDDED.agents.map((a) => (a.username === 'bob' ? { ...a, profiles: ['agent', 'supervisor'] } : a));

describe('XiVO XUC face: what cti.js, callback.js and membership.js send and wait for', () => {
  let b: TestBridge;
  const sockets = xucSockets(() => b.url);
  const connect = (user: string) => sockets.login(user);
  const loginOn = async (c: XucClient, line: string) => {
    const from = c.count;
    c.send('agentLogin', { agentphonenumber: line }); // Cti.loginAgent(phone) without agentId, as XucAgentUser does
    await c.next('AgentStateEvent', (m) => m.name === 'AgentReady', from);
  };
  before(async () => {
    b = await startFacesBridge({}, { agents: AGENTS });
  });
  after(() => b.close());
  afterEach(async () => {
    sockets.closeAll();
    await logoutEveryone(b);
  });

  it('gives a numeric userId (the same in AgentList), LineConfig for getConfig("line"), and the user status menu', async () => {
    const alice = await connect('alice');
    const config = await alice.next('UserConfigUpdate');
    assert.equal(config.userId, 201);
    assert.equal(config.naFwdDestination, null);
    alice.send('getList', { objectType: 'agent' });
    assert.equal((await alice.next('AgentList'))[0].userId, config.userId, 'XucAgent.getUser matches with ===');
    const carol = await connect('carol');
    assert.equal(typeof (await carol.next('UserConfigUpdate')).userId, 'number', 'a user without agentId has a number too');
    // xc_webrtc / CtiProxy: Cti.getConfig('line') right after LoggedOn
    alice.send('getConfig', { objectType: 'line' });
    const line = await alice.next('LineConfig');
    assert.equal(line.number, '1001');
    assert.equal(line.webRtc, false);
    // xucmgt's pause menu: Cti.changeUserStatus(status) of a queuepause_all status, then a queueunpause_all one
    const statuses = await alice.next('UsersStatuses');
    const pause = statuses.find((u: any) => u.actions.some((x: any) => x.name === 'queuepause_all')).name;
    const ready = statuses.find((u: any) => u.actions.some((x: any) => x.name === 'queueunpause_all')).name;
    await loginOn(alice, '1001');
    let from = alice.count;
    alice.send('userStatusUpdate', { status: pause });
    assert.equal((await alice.next('AgentStateEvent', (m) => m.name === 'AgentOnPause', from)).cause, pause);
    assert.deepEqual(await alice.next('UserStatusUpdate', () => true, from), { status: pause });
    from = alice.count;
    alice.send('userStatusUpdate', { status: ready });
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentReady', from);
    alice.send('userStatusUpdate', { status: 'no-such-status' });
    assert.equal((await alice.next('Error', (m) => m.command === 'userStatusUpdate')).Error, 'InvalidJson');
  });

  it('answers commands it does not know as unknown, not as bad JSON', async () => {
    const alice = await connect('alice');
    alice.send('sendFlashTextMessage', { to: 'bob', seq: 1, message: 'hi' }); // a cti.js command outside the face
    assert.deepEqual(await alice.next('Error', (m) => m.command === 'sendFlashTextMessage'), {
      Error: 'UnknownCommand',
      message: 'unknown command sendFlashTextMessage',
      command: 'sendFlashTextMessage',
    });
  });

  it('subscribeToQueueStats: QueueStatistics per queue it sees, then what changed; getQueueStatistics: GetQueueStatistics', async () => {
    const alice = await connect('alice');
    await loginOn(alice, '1001');
    alice.send('subscribeToQueueStats');
    const chat = await alice.next('QueueStatistics', (m) => m.queueId === 10);
    const counter = (m: any, name: string) => m.counters.find((c: any) => c.statName === name)?.value;
    assert.equal(counter(chat, 'WaitingCalls'), 0);
    assert.equal(counter(chat, 'LoggedAgents'), 1);
    assert.equal(counter(chat, 'AvailableAgents'), 1);
    assert.ok(!alice.frames.some((f) => f.msgType === 'QueueStatistics' && f.ctiMessage.queueId === 11), 'SALES is not hers');
    // alice paused: a session waits in CHAT
    alice.send('pauseAgent', {});
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentOnPause');
    const from = alice.count;
    await soapStart(b, 'CHAT', 'qs-1');
    const waiting = await alice.next('QueueStatistics', (m) => m.queueId === 10 && counter(m, 'WaitingCalls') === 1, from, 5000);
    assert.ok(
      waiting.counters.every((c: any) => c.statName !== 'LoggedAgents'),
      'only what changed',
    );
    alice.send('getQueueStatistics', { queueId: 10, window: 3600, xqos: 20 });
    const got = await alice.next('GetQueueStatistics');
    assert.equal(got.queueId, 10);
    assert.equal(got.window, 3600);
    assert.equal(counter(got, 'WaitingCalls'), 1);
  });

  it('dial, hold, current calls and phone hints: the PhoneEvents XucPhoneEventListener waits for', async () => {
    const alice = await connect('alice');
    const carol = await connect('carol');
    await loginOn(alice, '1001');
    carol.send('subscribeToPhoneHints', { phoneNumbers: ['1001', '5555'] });
    assert.equal((await carol.next('PhoneHintStatusEvent', (m) => m.number === '1001')).status, 0, 'AVAILABLE');
    assert.equal((await carol.next('PhoneHintStatusEvent', (m) => m.number === '5555')).status, -2, 'UNEXISTING');
    alice.send('dial', { destination: '0612345678', variables: { order: '42' } }); // Cti.dial(destination, variables)
    const dialing = await alice.next('PhoneEvent', (m) => m.eventType === 'EventDialing');
    assert.equal(dialing.otherDN, '0612345678');
    assert.equal(dialing.userData.USR_order, '42');
    const id = dialing.uniqueId as string;
    assert.equal((await soapStatus(b, id)).status, 'BOOKED', 'an MCC session of her queue');
    alice.send('answer', {});
    await alice.next('PhoneEvent', (m) => m.eventType === 'EventEstablished');
    assert.equal((await carol.next('PhoneHintStatusEvent', (m) => m.number === '1001' && m.status === 2)).status, 2, 'BUSY');
    alice.send('hold', {});
    await alice.next('PhoneEvent', (m) => m.eventType === 'EventOnHold' && m.uniqueId === id);
    alice.send('getCurrentCallsPhoneEvents');
    const current = await alice.next('CurrentCallsPhoneEvents');
    assert.deepEqual(
      current.events.map((e: any) => [e.uniqueId, e.eventType]),
      [[id, 'EventOnHold']],
    );
    let from = alice.count;
    alice.send('hold', {});
    await alice.next('PhoneEvent', (m) => m.eventType === 'EventEstablished' && m.uniqueId === id, from);
    from = carol.count;
    alice.send('hangup', {});
    await alice.next('PhoneEvent', (m) => m.eventType === 'EventReleased');
    await carol.next('PhoneHintStatusEvent', (m) => m.number === '1001' && m.status === 0, from);
    alice.send('dial', { destination: 'not a number' });
    assert.equal((await alice.next('Error', (m) => m.command === 'dial')).Error, 'InvalidJson');
  });

  it('an offered session pops a Sheet of its data, and its PhoneEvent names the caller and carries the MCC session data', async () => {
    const alice = await connect('alice');
    await loginOn(alice, '1001');
    await b.soap('startSession', {
      channelId: 1003,
      serviceid: 'CHAT',
      sessionId: 'sheet-1',
      contactValue: '+39055123',
      contactId: 'Mario Rossi',
      data: 'order 42',
    });
    await b.soap('sessionAccept', { sessionId: 'sheet-1' });
    const sheet = await alice.next('Sheet');
    // XucSheet.decodePayload: payload.profile.user.sheetInfo → {name: value}
    const fields = Object.fromEntries(sheet.payload.profile.user.sheetInfo.map((f: any) => [f.name, f.value]));
    assert.equal(fields.sessionId, 'sheet-1');
    assert.equal(fields.data, 'order 42');
    const ringing = await alice.next('PhoneEvent', (m) => m.eventType === 'EventRinging');
    assert.equal(ringing.otherDName, 'Mario Rossi');
    assert.equal(ringing.otherDN, '+39055123');
    assert.equal(ringing.userData.USR_data, 'order 42');
    assert.equal(ringing.userData.USR_serviceCode, 'CHAT');
  });

  it('findCallbackRequest answers FindCallbackResponseWithId for its id; listenCallbackMessage is known', async () => {
    const bob = await connect('bob');
    for (const [id, number] of [
      ['f-1', '0230210082'],
      ['f-2', '0789654123'],
    ]) {
      await b.soap('startSession', { channelId: 1003, serviceid: 'SALES', sessionId: id, contactValue: number });
      await b.soap('sessionAccept', { sessionId: id });
    }
    // Callback.findCallbackRequest(requestId, filters, offset, limit)
    bob.send('findCallbackRequest', { id: 7, request: { filters: [{ field: 'phoneNumber', operator: 'like', value: '0230%' }], offset: 0, limit: 10 } });
    const found = await bob.next('FindCallbackResponseWithId');
    assert.equal(found.id, 7);
    assert.equal(found.response.total, 1);
    assert.deepEqual(
      found.response.list.map((r: any) => r.uuid),
      ['f-1'],
    );
    bob.send('findCallbackRequest', { id: 8, request: { filters: [], offset: 1, limit: 10 } });
    const page = await bob.next('FindCallbackResponseWithId', (m) => m.id === 8);
    assert.deepEqual([page.response.total, page.response.list.length], [2, 1]);
    bob.send('listenCallbackMessage', { voiceMessageRef: 'vm-1' });
    assert.equal((await bob.next('Error', (m) => m.command === 'listenCallbackMessage')).Error, 'NotFound');
  });

  it('default membership: get answers UserQueueDefaultMembership, set is refused, apply puts the agent back in its queues', async () => {
    const root = await connect('bob'); // bob reaches himself (agent and supervisor)
    root.send('getUserDefaultMembership', { userId: 202 });
    const mine = await root.next('UserQueueDefaultMembership');
    assert.deepEqual(mine, {
      userId: 202,
      membership: [
        { queueId: 10, penalty: 0 },
        { queueId: 11, penalty: 0 },
      ],
    });
    root.send('setUserDefaultMembership', { userId: 202, membership: [] });
    assert.equal((await root.next('Error', (m) => m.command === 'setUserDefaultMembership')).Error, 'NotAuthorized');
    root.send('removeAgentFromQueue', { agentId: 202, queueId: 11 });
    await root.next('QueueMember', (m) => m.queueId === 11 && m.penalty === -1);
    const from = root.count;
    root.send('applyUsersDefaultMembership', { userIds: [202] });
    assert.deepEqual(await root.next('QueueMember', (m) => m.queueId === 11, from), { agentId: 202, queueId: 11, penalty: 0 });
    assert.equal((await root.next('UsersQueueDefaultMembership', () => true, from)).memberships[0].userId, 202);
    root.send('getUserDefaultMembership', { userId: 201 });
    assert.equal((await root.next('Error', (m) => m.command === 'getUserDefaultMembership')).Error, 'NotAuthorized', 'alice is not in his reach');
  });

  it('a supervisor who is also an agent keeps his own queues: QueueList, and dialFromQueue from them', async () => {
    const bob = await connect('bob');
    assert.equal((await bob.next('RightProfile')).profile, 'Supervisor');
    bob.send('getList', { objectType: 'queue' });
    assert.deepEqual((await bob.next('QueueList')).map((q: any) => q.name).sort(), ['CHAT', 'SALES']);
    await loginOn(bob, '1002');
    bob.send('dialFromQueue', { destination: '0612345678', queueId: 11, callerIdName: 'Sales', callerIdNumber: '3000', variables: {} });
    await bob.next('AgentStateEvent', (m) => m.name === 'AgentDialing');
    bob.send('dialFromQueue', { destination: '0612345678', queueId: 20, variables: {} });
    assert.equal((await bob.next('Error', (m) => m.command === 'dialFromQueue')).Error, 'NotAuthorized', 'MAIL is not his');
  });
});
