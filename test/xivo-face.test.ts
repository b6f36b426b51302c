import assert from 'node:assert/strict';
import { xivoErrors } from '../src/reasons/index.js';
import type { TestBridge } from './support/bridge.js';
import WebSocket from 'ws';
import { XucClient, eventually, http, logoutEveryone, soapStart, soapStatus, startFacesBridge, xucLogin, xucSockets } from './support/agent-faces.js';

describe('XiVO XUC face', () => {
  let b: TestBridge;
  const sockets = xucSockets(() => b.url);
  const connect = sockets.login;
  before(async () => {
    b = await startFacesBridge();
  });
  after(() => b.close());
  afterEach(async () => {
    sockets.closeAll();
    await logoutEveryone(b);
  });

  it('serves a whole session: login on a line, ringing, answer, ticket data, closed — seen by the MCC integrator', async () => {
    const alice = await connect('alice', 'alice-pw');
    assert.deepEqual(await alice.next('UserConfigUpdate'), {
      userId: 201,
      agentId: 201,
      fullName: 'Alice Martin',
      mobileNumber: null,
      voiceMailId: null,
      voiceMailEnabled: false,
      naFwdEnabled: false,
      naFwdDestination: null,
      uncFwdEnabled: false,
      uncFwdDestination: null,
      busyFwdEnabled: false,
      busyFwdDestination: null,
    });
    assert.equal((await alice.next('RightProfile')).profile, 'NoRight');
    alice.send('agentLogin', { agentphonenumber: '1001' });
    const ready = await alice.next('AgentStateEvent', (m) => m.name === 'AgentReady');
    assert.equal(ready.agentId, 201);
    assert.equal(ready.phoneNb, '1001');
    assert.deepEqual(ready.queues.sort(), [10, 20]);

    await soapStart(b, 'CHAT', 'xuc-1');
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentRinging');
    const ringing = await alice.next('PhoneEvent', (m) => m.eventType === 'EventRinging');
    assert.equal(ringing.uniqueId, 'xuc-1');
    assert.equal(ringing.otherDN, '+39055123');
    assert.equal((await soapStatus(b, 'xuc-1')).status, 'BOOKED');

    alice.send('answer', { uniqueId: 'xuc-1' });
    const onCall = await alice.next('AgentStateEvent', (m) => m.name === 'AgentOnCall');
    assert.equal(onCall.monitorState, 'ACTIVE');
    const assigned = await soapStatus(b, 'xuc-1');
    assert.equal(assigned.status, 'ASSIGNED');
    assert.equal(assigned.username, 'alice');

    alice.send('updateCallbackTicket', { uuid: 'xuc-1', status: 'Callback', comment: 'call back after 5pm' });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await b.soap('checkSessionStateWithData', { sessionId: 'xuc-1' })).sessionData, 'call back after 5pm');
    alice.send('getCallbackLists');
    await alice.next('CallbackLists');
    const from = alice.count;
    alice.send('updateCallbackTicket', { uuid: 'xuc-1', status: 'Answered', comment: 'done' });
    assert.deepEqual(await alice.next('CallbackClotured', () => true, from), { uuid: 'xuc-1' });
    assert.equal((await soapStatus(b, 'xuc-1')).status, 'CLOSED');
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentReady', from);
  });

  it('answers the commands a page sends the instant the socket opens (cti.js pages do), even while the store is busy', async () => {
    const token = await xucLogin(b.url, 'alice', 'alice-pw');
    // Keep the store busy, so that setting the session up takes longer than the client waits.
    const busy = Array.from({ length: 100 }, () => fetch(`${b.url}/mc/cxf/rest/json/startSession?channelId=1003&serviceid=CHAT`));
    const ws = new WebSocket(`${b.url.replace(/^http/, 'ws')}/xuc/api/2.0/cti?token=${encodeURIComponent(token)}`);
    const frames: Array<{ msgType: string }> = [];
    ws.on('message', (raw) => frames.push(JSON.parse(String(raw)) as { msgType: string }));
    ws.on('open', () => {
      ws.send(JSON.stringify({ claz: 'web', command: 'getAgentStates' }));
      ws.send(JSON.stringify({ claz: 'web', command: 'getList', objectType: 'queue' }));
      ws.send(JSON.stringify({ claz: 'ping' }));
    });
    try {
      await Promise.all(busy);
      await eventually(() => ['AgentStateEvent', 'QueueList', 'Pong'].every((t) => frames.some((f) => f.msgType === t)), 5000, 'answers to the first frames');
      const order = frames.map((f) => f.msgType).filter((t) => ['LoggedOn', 'AgentStateEvent', 'QueueList', 'Pong'].includes(t));
      assert.deepEqual([...new Set(order)], ['LoggedOn', 'AgentStateEvent', 'QueueList', 'Pong'], 'greeted first, then answered in the order sent');
    } finally {
      ws.close();
    }
  });

  it('applies the login rules of the seed: unknown line, other line, same line, line taken over', async () => {
    const alice = await connect('alice', 'alice-pw');
    const bob = await connect('bob', 'bob-pw');
    alice.send('agentLogin', { agentphonenumber: '9999' });
    assert.deepEqual(await alice.next('AgentError'), { Error: 'PhoneNumberUnknown', message: 'line 9999 is unknown', command: 'agentLogin' });
    assert.equal(xivoErrors.UNKNOWN_DEVICE, 'PhoneNumberUnknown');
    alice.send('agentLogin', { agentphonenumber: '1001' });
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentReady');
    let from = alice.count;
    alice.send('agentLogin', { agentphonenumber: '1003' });
    assert.deepEqual(await alice.next('AgentError', () => true, from), { Error: 'LoggedInOnAnotherPhone', phoneNb: '1001', RequestedNb: '1003' });
    assert.equal(((await b.engine.agentState('alice')) as any).value.phone, '1001', 'stays on its line');
    from = alice.count;
    alice.send('agentLogin', { agentphonenumber: '1001' });
    assert.equal((await alice.next('AgentStateEvent', () => true, from)).name, 'AgentReady', 'same line: stays logged');
    // alice, not logged in, takes her own line back from bob (who got on it through another door): bob is logged out
    alice.send('agentLogout', {});
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentLoggedOut');
    assert.equal((await b.engine.agentLogin('bob', [1003], { phone: '1001' })).ok, true);
    await bob.next('AgentStateEvent', (m) => m.phoneNb === '1001');
    from = bob.count;
    alice.send('agentLogin', { agentphonenumber: '1001' });
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentReady' && m.phoneNb === '1001');
    await bob.next('AgentStateEvent', (m) => m.name === 'AgentLoggedOut', from);
    assert.equal(((await b.engine.agentState('bob')) as any).value.loggedIn, false);
  });

  it('pauses, queues, statistics, listen and recording, with errors from the catalog', async () => {
    const alice = await connect('alice', 'alice-pw');
    alice.send('agentLogin', { agentphonenumber: '1001' });
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentReady');
    alice.send('pauseAgent', { reason: 'lunch' });
    assert.equal((await alice.next('AgentStateEvent', (m) => m.name === 'AgentOnPause')).cause, 'lunch');
    alice.send('unpauseAgent', {});
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentReady' && alice.frames.some((f) => f.ctiMessage?.name === 'AgentOnPause'));
    // alice's own membership of one of her queues (MAIL); she is back in it at penalty 0 afterwards
    alice.send('setAgentQueue', { agentId: 201, queueId: 20, penalty: 2 });
    assert.deepEqual(await alice.next('QueueMember', (m) => m.queueId === 20), { agentId: 201, queueId: 20, penalty: 2 });
    alice.send('getList', { objectType: 'queuemember' });
    assert.ok((await alice.next('QueueMemberList')).some((m: any) => m.agentId === 201 && m.queueId === 20 && m.penalty === 2));
    const config = await alice.next('AgentConfig', (m) => m.member.some((q: any) => q.queue_id === 20 && q.penalty === 2));
    assert.equal(config.id, 201);
    assert.equal(config.member.find((q: any) => q.queue_id === 20).penalty, 2);
    alice.send('removeAgentFromQueue', { agentId: 201, queueId: 20 });
    assert.deepEqual(await alice.next('QueueMember', (m) => m.penalty === -1), { agentId: 201, queueId: 20, penalty: -1 });
    alice.send('setAgentQueue', { agentId: 201, queueId: 20, penalty: 0 });
    await alice.next('QueueMember', (m) => m.queueId === 20 && m.penalty === 0);
    // Seed 004: a failed setAgentQueue sends nothing.
    alice.send('setAgentQueue', { agentId: 201, queueId: 99, penalty: 0 });
    assert.deepEqual(await alice.settle(), []);
    alice.send('subscribeToAgentStats');
    const stats = await alice.next('AgentStatistics', (m) => m.id === 201);
    assert.deepEqual(
      stats.statistics.map((s: any) => s.name),
      ['AgentPausedTotalTime', 'AgentWrapupTotalTime', 'AgentReadyTotalTime', 'LoginDateTime', 'LogoutDateTime'],
    );
    alice.send('listenAgent', { agentid: 201 });
    assert.deepEqual(await alice.next('AgentListen'), { started: true, phoneNumber: '1001', agentId: 201 });
    const carol = await connect('carol', 'carol-pw'); // supervises bob's group
    carol.send('listenAgent', { agentid: 202 });
    assert.equal((await carol.next('AgentError', (m) => m.command === 'listenAgent')).Error, xivoErrors.AGENT_NOT_LOGGED_IN);
    alice.send('monitorPause', { agentid: 201 });
    assert.equal((await alice.next('AgentError', (m) => m.command === 'monitorPause')).Error, xivoErrors.INVALID_STATE);
    await soapStart(b, 'CHAT', 'xuc-m');
    alice.send('answer', {});
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentOnCall');
    alice.send('monitorPause', { agentid: 201 });
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentOnCall' && m.monitorState === 'PAUSED');
    alice.send('nonsense');
    assert.equal((await alice.next('Error', (m) => m.command === 'nonsense')).Error, 'UnknownCommand');
    alice.ws.send('not json');
    await alice.next('Error', (m) => m.message === 'the frame is not JSON');
    alice.ws.send(JSON.stringify({ claz: 'ping' }));
    await alice.next('Pong');
    alice.send('agentLogout', {});
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentLoggedOut');
    assert.equal((await soapStatus(b, 'xuc-m')).status, 'QUEUED', 'the held session went back to its queue');
  });

  it('knows the commands of its table only (prototype names are unknown); agent commands fail as AgentError, the rest as Error', async () => {
    const carol = await connect('carol', 'carol-pw'); // a supervisor without an agent id
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      carol.send(name);
      const e = await carol.next('Error', (m) => m.command === name);
      assert.deepEqual(e, { Error: 'UnknownCommand', message: `unknown command ${name}`, command: name });
    }
    carol.send('pauseAgent', {});
    assert.equal((await carol.next('AgentError', (m) => m.command === 'pauseAgent')).Error, xivoErrors.NOT_AN_AGENT);
    carol.send('takeCallback', { uuid: 'no-such-callback' });
    assert.equal((await carol.next('Error', (m) => m.command === 'takeCallback')).Error, xivoErrors.UNKNOWN_INTERACTION);
    assert.ok(!carol.frames.some((f) => f.msgType === 'AgentError' && f.ctiMessage.command === 'takeCallback'));
  });

  it('filters what a supervisor sees by its queues and groups; a plain agent sees itself', async () => {
    const carol = await connect('carol', 'carol-pw');
    assert.equal((await carol.next('RightProfile')).profile, 'Supervisor');
    carol.send('getList', { objectType: 'agent' });
    assert.deepEqual(
      (await carol.next('AgentList')).map((a: any) => a.id),
      [202],
    );
    carol.send('getList', { objectType: 'queue' });
    assert.deepEqual(
      (await carol.next('QueueList')).map((q: any) => q.name),
      ['SALES'],
    );
    carol.send('getList', { objectType: 'agentgroup' });
    assert.deepEqual(
      (await carol.next('AgentGroupList')).map((g: any) => g.name),
      ['sales'],
    );
    carol.send('subscribeToAgentEvents');
    carol.send('agentLogin', { agentid: 201, agentphonenumber: '1001' });
    assert.equal((await carol.next('AgentError')).Error, xivoErrors.FORBIDDEN);
    const alice = await connect('alice', 'alice-pw');
    alice.send('getList', { objectType: 'agent' });
    assert.deepEqual(
      (await alice.next('AgentList')).map((a: any) => a.id),
      [201],
    );
    alice.send('agentLogin', { agentphonenumber: '1001' });
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentReady');
    carol.send('agentLogin', { agentid: 202, agentphonenumber: '1002' });
    await carol.next('AgentStateEvent', (m) => m.agentId === 202 && m.name === 'AgentReady');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(
      carol.frames.some((f) => f.msgType === 'AgentStateEvent' && f.ctiMessage.agentId === 201),
      false,
      "alice is outside carol's groups",
    );
  });

  it('runs the Callback API on the engine: lists, take, start, release, ticket updates', async () => {
    const bob = await connect('bob', 'bob-pw');
    await b.soap('startSession', { channelId: 1003, serviceid: 'SALES', sessionId: 'cb-1', contactValue: '0230210082', description: 'Call me back' });
    await b.soap('sessionAccept', { sessionId: 'cb-1' });
    bob.send('getCallbackLists');
    const lists = await bob.next('CallbackLists');
    const sales = lists.find((l: any) => l.queueId === 11);
    assert.equal(sales.callbacks[0].uuid, 'cb-1');
    assert.equal(sales.callbacks[0].phoneNumber, '0230210082');
    assert.equal(sales.callbacks[0].agentId, null);
    bob.send('agentLogin', { agentphonenumber: '1002' });
    // bob is ready now, so routing offers cb-1 to him; taking it accepts it
    await bob.next('AgentStateEvent', (m) => m.name === 'AgentRinging');
    bob.send('takeCallback', { uuid: 'cb-1' });
    assert.deepEqual(await bob.next('CallbackTaken'), { uuid: 'cb-1', agentId: 202 });
    assert.equal((await soapStatus(b, 'cb-1')).status, 'ASSIGNED');
    bob.send('startCallback', { uuid: 'cb-1', number: '0789654123' });
    const started = await bob.next('CallbackStarted');
    assert.equal(started.requestUuid, 'cb-1');
    assert.match(started.ticketUuid, /^[0-9a-f-]{36}$/);
    bob.send('updateCallbackTicket', { uuid: 'cb-1', status: 'Callback', comment: 'again tomorrow', dueDate: '2026-12-01', periodUuid: 'x' });
    assert.equal((await bob.next('CallbackRequestUpdated')).request.dueDate, '2026-12-01');
    bob.send('updateCallbackTicket', { uuid: 'cb-1', status: 'Maybe' });
    assert.equal((await bob.next('Error', (m) => m.command === 'updateCallbackTicket')).Error, 'InvalidJson');
    bob.send('pauseAgent', {});
    bob.send('releaseCallback', { uuid: 'cb-1' });
    assert.deepEqual(await bob.next('CallbackReleased'), { uuid: 'cb-1' });
    assert.equal((await soapStatus(b, 'cb-1')).status, 'QUEUED');
    bob.send('takeCallback', { uuid: 'nope' });
    assert.equal((await bob.next('Error', (m) => m.command === 'takeCallback')).Error, xivoErrors.UNKNOWN_INTERACTION);
  });

  it('dialFromQueue creates an outgoing call that a free agent of the queue dials', async () => {
    const bob = await connect('bob', 'bob-pw');
    bob.send('agentLogin', { agentphonenumber: '1002' });
    await bob.next('AgentStateEvent', (m) => m.name === 'AgentReady');
    bob.send('dialFromQueue', { destination: '0612345678', queueId: 11, callerIdName: 'Sales', callerIdNumber: '3000', variables: { order: '42' } });
    await bob.next('AgentStateEvent', (m) => m.name === 'AgentDialing');
    const dialing = await bob.next('PhoneEvent', (m) => m.eventType === 'EventDialing');
    assert.equal(dialing.otherDN, '0612345678');
    assert.equal(dialing.userData.USR_order, '42');
    bob.send('answer', {});
    const onCall = await bob.next('AgentStateEvent', (m) => m.name === 'AgentOnCall');
    assert.equal(onCall.direction, 'Outgoing');
    const sessionId = dialing.uniqueId as string;
    assert.equal((await soapStatus(b, sessionId)).status, 'ASSIGNED', 'the call is an MCC session too');
    bob.send('hangup', {});
    await bob.next('PhoneEvent', (m) => m.eventType === 'EventReleased');
    assert.equal((await soapStatus(b, sessionId)).status, 'CLOSED');
    bob.send('dialFromQueue', { destination: 'not a number', queueId: 11 });
    assert.equal((await bob.next('Error', (m) => m.command === 'dialFromQueue')).Error, xivoErrors.INVALID_PARAMETER);
  });

  it('authenticates: bad credentials, token renewal, an unknown token refused on the socket', async () => {
    const bad = await http('POST', `${b.url}/xuc/api/2.0/auth/login`, { login: 'alice', password: 'nope' });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error, 'InvalidCredentials');
    assert.equal((await http('POST', `${b.url}/xuc/api/2.0/auth/login`, { login: 'alice' })).body.error, 'InvalidJson');
    const token = await xucLogin(b.url, 'alice', 'alice-pw');
    const renewed = await http('GET', `${b.url}/xuc/api/2.0/auth/check`, undefined, { Authorization: `Bearer ${token}` });
    assert.equal(renewed.body.login, 'alice');
    assert.notEqual(renewed.body.token, token);
    assert.equal((await http('GET', `${b.url}/xuc/api/2.0/auth/check`, undefined, { Authorization: 'Bearer nope' })).body.error, 'TokenExpired');
    const refused = await XucClient.connect(b.url, 'not-a-token');
    assert.deepEqual(await refused.next('LoggedOnError'), { Error: 'loggedOnFailed' });
    await new Promise<void>((resolve) => (refused.ws.readyState === refused.ws.CLOSED ? resolve() : refused.ws.once('close', () => resolve())));
  });
});
