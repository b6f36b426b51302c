import assert from 'node:assert/strict';
import { parseConfig } from '../src/config/index.js';
import { xivoErrors } from '../src/reasons/index.js';
import type { TestBridge } from './support/bridge.js';
import { FACES_EMBEDDED, logoutEveryone, soapStatus, startFacesBridge, xucSockets, type XucClient } from './support/agent-faces.js';

/**
 * Issue 11 point 2: on the XUC face a plain agent (alice, NoRight) acts on itself only, a
 * supervisor (carol: group sales, queue SALES) on what it supervises, an admin (root) on all.
 */
const NOT_AUTHORIZED = xivoErrors.FORBIDDEN;
const ROOT = { username: 'root', password: 'root-pw', profiles: ['admin'] };

describe('XiVO XUC face: agent rights', () => {
  let b: TestBridge;
  const sockets = xucSockets(() => b.url);
  const connect = (user: string) => sockets.login(user);
  /** The next AgentError of a command after frame `from`. */
  const agentError = async (c: XucClient, command: string, from: number) => (await c.next('AgentError', (m) => m.command === command, from)).Error;
  /** Send a command that must be refused; its error name. */
  const refusal = async (c: XucClient, command: string, args: Record<string, unknown>) => {
    const from = c.count;
    c.send(command, args);
    return agentError(c, command, from);
  };
  const state = async (username: string) => ((await b.engine.agentState(username)) as any).value;
  const loginOn = async (c: XucClient, agentId: number, line: string) => {
    const from = c.count;
    c.send('agentLogin', { agentid: agentId, agentphonenumber: line });
    await c.next('AgentStateEvent', (m) => m.agentId === agentId && m.name === 'AgentReady', from);
  };

  before(async () => {
    b = await startFacesBridge({ faces: { xivo: { maxOutgoingPerAgent: 2 } } }, { agents: [...FACES_EMBEDDED.agents, ROOT] });
  });
  after(() => b.close());
  afterEach(async () => {
    sockets.closeAll();
    await logoutEveryone(b);
  });

  it('a plain agent cannot log bob out, pause, listen, change his queues or his recording; it can act on itself', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    await loginOn(bob, 202, '1002');
    const before = await b.engine.queueMembership();
    const from = alice.count;
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['agentLogout', { agentid: 202 }],
      ['pauseAgent', { agentid: 202, reason: 'gotcha' }],
      ['unpauseAgent', { agentid: 202 }],
      ['listenAgent', { agentid: 202 }],
      ['monitorPause', { agentid: 202 }],
      ['monitorUnpause', { agentid: 202 }],
    ];
    for (const [command, args] of attempts) {
      alice.send(command, args);
      assert.equal(await agentError(alice, command, from), NOT_AUTHORIZED, command);
    }
    assert.ok(!alice.frames.slice(from).some((f) => f.msgType === 'AgentListen'), 'no listen started');
    // Refused queue changes answer nothing, as every failed one (seed 004).
    alice.send('setAgentQueue', { agentId: 202, queueId: 10, penalty: 9 });
    alice.send('removeAgentFromQueue', { agentId: 202, queueId: 11 });
    assert.deepEqual(await alice.settle(), []);
    const bobNow = await state('bob');
    assert.equal(bobNow.loggedIn, true);
    assert.equal(
      bobNow.channels.every((c: any) => c.ready),
      true,
      'bob is still ready',
    );
    assert.deepEqual(await b.engine.queueMembership(), before, "nobody's queues changed");

    // Her own: by id or without one.
    await loginOn(alice, 201, '1001');
    alice.send('pauseAgent', { agentid: 201, reason: 'coffee' });
    assert.equal((await alice.next('AgentStateEvent', (m) => m.agentId === 201 && m.name === 'AgentOnPause')).cause, 'coffee');
    alice.send('listenAgent', {});
    assert.equal((await alice.next('AgentListen')).agentId, 201);
    alice.send('agentLogout', {});
    await alice.next('AgentStateEvent', (m) => m.agentId === 201 && m.name === 'AgentLoggedOut');
  });

  it('lists: a plain agent sees itself, a supervisor its groups and queues, an admin everyone', async () => {
    const alice = await connect('alice');
    assert.equal((await alice.next('RightProfile')).profile, 'NoRight');
    alice.send('getList', { objectType: 'agent' });
    assert.deepEqual(
      (await alice.next('AgentList')).map((a: any) => a.id),
      [201],
    );
    alice.send('getList', { objectType: 'agentgroup' });
    assert.deepEqual(
      (await alice.next('AgentGroupList')).map((g: any) => g.name),
      ['support'],
    );
    alice.send('getList', { objectType: 'queue' });
    assert.deepEqual(
      (await alice.next('QueueList')).map((q: any) => q.name),
      ['CHAT', 'MAIL'],
      'her queues',
    );
    alice.send('getList', { objectType: 'queuemember' });
    assert.deepEqual([...new Set((await alice.next('QueueMemberList')).map((m: any) => m.agentId))], [201]);
    alice.send('getAgentDirectory');
    assert.deepEqual(
      (await alice.next('AgentDirectory')).directory.map((d: any) => d.agent.id),
      [201],
    );
    alice.send('subscribeToAgentStats');
    await alice.next('AgentStatistics');
    alice.send('getAgentStates');
    await alice.next('AgentStateEvent');
    await new Promise((r) => setTimeout(r, 150));
    const ids = (type: string, key: string) => [...new Set(alice.frames.filter((f) => f.msgType === type).map((f) => f.ctiMessage[key]))];
    assert.deepEqual(ids('AgentStatistics', 'id'), [201]);
    assert.deepEqual(ids('AgentStateEvent', 'agentId'), [201]);

    const carol = await connect('carol');
    carol.send('getList', { objectType: 'agent' });
    assert.deepEqual(
      (await carol.next('AgentList')).map((a: any) => a.id),
      [202],
    );
    carol.send('getList', { objectType: 'queuemember' });
    assert.deepEqual([...new Set((await carol.next('QueueMemberList')).map((m: any) => m.queueId))], [11]);

    const root = await connect('root');
    assert.equal((await root.next('RightProfile')).profile, 'Admin');
    root.send('getList', { objectType: 'agent' });
    assert.deepEqual(
      (await root.next('AgentList')).map((a: any) => a.id),
      [201, 202, 203],
    );
    root.send('getList', { objectType: 'queue' });
    assert.deepEqual(
      (await root.next('QueueList')).map((q: any) => q.name),
      ['CHAT', 'SALES', 'MAIL'],
    );
  });

  it("callbacks: a session the integrator never queued, or one outside her queues, or bob's, cannot be taken; one waiting in her queue can", async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    await loginOn(alice, 201, '1001');
    alice.send('pauseAgent', {});
    await alice.next('AgentStateEvent', (m) => m.name === 'AgentOnPause');
    // bob holds one of his own (and, at capacity, no more)
    await loginOn(bob, 202, '1002');
    await b.soap('startSession', { channelId: 1003, serviceid: 'SALES', sessionId: 'r-bob', contactValue: '0103' });
    await b.soap('sessionAccept', { sessionId: 'r-bob' });
    await bob.next('AgentStateEvent', (m) => m.name === 'AgentRinging');
    // NEW: started, never queued. SALES: queued outside alice's queues. CHAT: queued in hers.
    assert.equal((await b.soap('startSession', { channelId: 1003, serviceid: 'CHAT', sessionId: 'r-new', contactValue: '0101' })).result, 'SUCCESS');
    for (const [id, service] of [
      ['r-sales', 'SALES'],
      ['r-chat', 'CHAT'],
    ]) {
      await b.soap('startSession', { channelId: 1003, serviceid: service, sessionId: id, contactValue: '0102' });
      await b.soap('sessionAccept', { sessionId: id });
    }

    alice.send('getCallbackLists');
    const lists = await alice.next('CallbackLists');
    assert.deepEqual(
      lists.map((l: any) => l.queueId),
      [10, 20],
      'the lists of her queues',
    );
    assert.deepEqual(
      lists.flatMap((l: any) => l.callbacks.map((c: any) => c.uuid)),
      ['r-chat'],
      'only what she may take',
    );

    for (const uuid of ['r-new', 'r-sales', 'r-bob']) {
      const from = alice.count;
      alice.send('takeCallback', { uuid });
      assert.equal((await alice.next('Error', (m) => m.command === 'takeCallback', from)).Error, NOT_AUTHORIZED, uuid);
      alice.send('updateCallbackTicket', { uuid, status: 'Answered' });
      await alice.next('Error', (m) => m.command === 'updateCallbackTicket', from);
    }
    assert.equal((await soapStatus(b, 'r-new')).status, 'NEW');
    assert.equal((await soapStatus(b, 'r-sales')).status, 'QUEUED');
    assert.equal((await soapStatus(b, 'r-bob')).status, 'BOOKED');
    assert.equal((await soapStatus(b, 'r-bob')).username, 'bob');

    alice.send('takeCallback', { uuid: 'r-chat' });
    assert.deepEqual(await alice.next('CallbackTaken'), { uuid: 'r-chat', agentId: 201 });
    alice.send('updateCallbackTicket', { uuid: 'r-chat', status: 'Answered' });
    await alice.next('CallbackClotured');
    assert.equal((await soapStatus(b, 'r-chat')).status, 'CLOSED');

    // An admin may take the one nobody queued.
    const root = await connect('root');
    root.send('takeCallback', { uuid: 'r-new' });
    const e = await Promise.race([root.next('CallbackTaken').then(() => 'taken'), root.next('Error').then((m: any) => m.Error)]);
    assert.notEqual(e, NOT_AUTHORIZED);
    for (const id of ['r-new', 'r-sales', 'r-bob']) await b.soap('closeSession', { sessionId: id, reason: 'REQUEST_FROM_CALLER' });
  });

  it("lines: a plain agent cannot log in on bob's line nor log bob in; a supervisor only within its groups; an admin anywhere", async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    assert.equal(await refusal(alice, 'agentLogin', { agentphonenumber: '1002' }), NOT_AUTHORIZED, "bob's line, bob away");
    await loginOn(bob, 202, '1002');
    assert.equal(await refusal(alice, 'agentLogin', { agentphonenumber: '1002' }), NOT_AUTHORIZED, "bob's line, bob on it");
    assert.equal(await refusal(alice, 'agentLogin', { agentid: 202, agentphonenumber: '1001' }), NOT_AUTHORIZED, 'bob, on her line');
    assert.equal((await state('bob')).loggedIn, true, 'bob was not signed out');
    assert.equal((await state('bob')).phone, '1002');
    assert.equal((await state('alice')).loggedIn, false);

    // carol supervises bob (group sales) but not alice (group support): not alice's line.
    await b.engine.agentLogout('bob');
    const carol = await connect('carol');
    carol.send('subscribeToAgentEvents');
    assert.equal(await refusal(carol, 'agentLogin', { agentid: 202, agentphonenumber: '1001' }), NOT_AUTHORIZED);
    assert.equal(await refusal(carol, 'agentLogin', { agentid: 201, agentphonenumber: '1001' }), NOT_AUTHORIZED);
    assert.equal((await state('bob')).loggedIn, false);
    await loginOn(carol, 202, '1002');

    // root may put dave on bob's line: the seed's take-over applies.
    const root = await connect('root');
    root.send('subscribeToAgentEvents');
    await loginOn(root, 203, '1002');
    assert.equal((await state('bob')).loggedIn, false, 'taken over');
    assert.equal((await state('dave')).phone, '1002');
  });

  it('a supervisor acts on the agents of its groups and its queues only', async () => {
    const carol = await connect('carol');
    const alice = await connect('alice');
    await loginOn(alice, 201, '1001');
    assert.equal(await refusal(carol, 'agentLogout', { agentid: 201 }), NOT_AUTHORIZED);
    assert.equal(await refusal(carol, 'pauseAgent', { agentid: 201 }), NOT_AUTHORIZED);
    carol.send('setAgentQueue', { agentId: 202, queueId: 10, penalty: 1 });
    assert.deepEqual(await carol.settle(), [], 'CHAT is not hers: refused, and unanswered as in the seed');
    assert.equal((await state('alice')).loggedIn, true);
    const from = carol.count;
    carol.send('setAgentQueue', { agentId: 202, queueId: 11, penalty: 3 });
    assert.deepEqual(await carol.next('QueueMember', (m) => m.agentId === 202, from), { agentId: 202, queueId: 11, penalty: 3 });
    carol.send('setAgentQueue', { agentId: 202, queueId: 11, penalty: 0 });
    await carol.next('QueueMember', (m) => m.agentId === 202 && m.penalty === 0, from);
    // alice's line is outside carol's groups, whoever she would put on it
    await b.engine.agentLogout('alice');
    assert.equal(await refusal(carol, 'agentLogin', { agentid: 202, agentphonenumber: '1001' }), NOT_AUTHORIZED);
    assert.equal((await state('bob')).loggedIn, false);
  });

  it('dialFromQueue: from its own queues only, and at most maxOutgoingPerAgent open at once, whatever the socket', async () => {
    const alice = await connect('alice');
    const dialed = async () => {
      const open = await b.engine.openInteractions();
      return open.ok ? open.value.filter((i) => i.userData.dialedBy === 'alice').map((i) => i.id) : [];
    };
    let from = alice.count;
    alice.send('dialFromQueue', { destination: '0612345678', queueId: 11 });
    assert.equal((await alice.next('Error', (m) => m.command === 'dialFromQueue', from)).Error, NOT_AUTHORIZED, 'SALES is not her queue');
    for (let n = 1; n <= 2; n++) {
      alice.send('dialFromQueue', { destination: `061234567${n}`, queueId: 10 });
      await new Promise((r) => setTimeout(r, 0));
    }
    const other = await connect('alice'); // a second socket shares the limit
    from = other.count;
    const fromAlice = alice.count;
    for (const c of [alice, other]) c.send('dialFromQueue', { destination: '0699999999', queueId: 10 });
    assert.equal((await other.next('Error', (m) => m.command === 'dialFromQueue', from)).Error, NOT_AUTHORIZED);
    assert.equal((await alice.next('Error', (m) => m.command === 'dialFromQueue', fromAlice)).Error, NOT_AUTHORIZED);
    await new Promise((r) => setTimeout(r, 100));
    const mine = await dialed();
    assert.equal(mine.length, 2, 'two calls open, the others refused');
    for (const id of mine) assert.equal((await soapStatus(b, id)).status, 'QUEUED');

    // The integrator is not starved, and a closed call frees a place.
    assert.equal((await b.soap('startSession', { channelId: 1003, serviceid: 'CHAT', sessionId: 'r-int', contactValue: '0104' })).result, 'SUCCESS');
    await b.soap('closeSession', { sessionId: mine[0], reason: 'REQUEST_FROM_CALLER' });
    from = alice.count;
    alice.send('dialFromQueue', { destination: '0612345673', queueId: 10 });
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!alice.frames.slice(from).some((f) => f.msgType === 'Error'), 'a place was free again');
    assert.equal((await dialed()).length, 2);
    for (const id of [...(await dialed()), 'r-int']) await b.soap('closeSession', { sessionId: id, reason: 'REQUEST_FROM_CALLER' });
  });
  it('rights follow the roster as reloaded: a supervisor whose groups are taken away no longer reaches bob', async () => {
    const carol = await connect('carol');
    const bob = await connect('bob');
    await loginOn(bob, 202, '1002');
    const roster = (carolSupervises: Record<string, string[]>) =>
      parseConfig(
        {
          server: { port: 0, host: '127.0.0.1' },
          embedded: {
            ...FACES_EMBEDDED,
            agents: [...FACES_EMBEDDED.agents.map((a) => (a.username === 'carol' ? { ...a, supervises: carolSupervises } : a)), ROOT],
          },
        },
        'test',
      );
    await b.reload(roster({ queues: [], groups: [] }));
    try {
      assert.equal(await refusal(carol, 'pauseAgent', { agentid: 202 }), NOT_AUTHORIZED);
      assert.equal(
        (await state('bob')).channels.every((c: any) => c.ready),
        true,
      );
    } finally {
      await b.reload(roster({ queues: ['SALES'], groups: ['sales'] }));
    }
    carol.send('pauseAgent', { agentid: 202 });
    await bob.next('AgentStateEvent', (m) => m.name === 'AgentOnPause');
  });
});
