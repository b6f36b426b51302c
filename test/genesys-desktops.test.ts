import assert from 'node:assert/strict';
import type { TestBridge } from './support/bridge.js';
import { startTestBridge } from './support/bridge.js';
import { basic, http, logoutEveryone, soapStart, soapStatus } from './support/agent-faces.js';
import { GwsDesktop, sampleConfig } from './support/gws-desktop.js';

/**
 * Issue 12 points 8, 9 and 11 on the sample configuration: what a workitem desktop
 * (chaosloth/genesys-concierge-ui js/gws/media/workitem.js) and a chat desktop
 * (ErnestoGarciaGenesys/GenesysWebServicesClient GenesysChat.cs) send and read, and the seed's own
 * StartContactCenterSession samples (seed 000).
 */
describe('Genesys GWS desktops on the sample configuration', () => {
  let b: TestBridge;
  const api = () => `${b.url}/api/v2`;
  const agent1 = { Authorization: basic('agent1', 'password') };
  const alice = { Authorization: basic('alice', 'change-me-alice') };
  before(async () => {
    b = await startTestBridge(sampleConfig());
  });
  after(() => b.close());
  afterEach(async () => {
    for (const u of ['alice', 'bob', 'agent1']) await b.engine.agentLogout(u);
    await logoutEveryone(b);
  });

  it('a workitem desktop: Invited on /v2/me/workitems, Accept, AttachUserData (nested), Complete into its done queue', async () => {
    const me = await http('GET', `${api()}/me?subresources=*`, undefined, agent1);
    assert.equal(me.body.statusCode, 0);
    assert.deepEqual(me.body.user.settings, { 'interaction-workspace': {} });
    const desk = await GwsDesktop.open(b.url, 'agent1', 'password', ['/v2/me/workitems']);
    try {
      assert.deepEqual((await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', channels: ['workitem'] }, agent1)).body, {
        statusCode: 0,
      });
      assert.deepEqual((await http('POST', `${api()}/me/channels/workitem`, { operationName: 'Ready' }, agent1)).body, { statusCode: 0 });
      await soapStart(b, 'TICKETS', 'wi-1', 1, { sessionData: 'ticket 42' });
      const invited = await desk.next((m) => m.data.workitem?.state === 'Invited', 'Invited');
      assert.equal(invited.channel, '/v2/me/workitems');
      assert.equal(invited.data.messageType, 'WorkitemStateChangeMessage');
      assert.equal(invited.data.notificationType, 'StatusChange');
      assert.deepEqual(invited.data.workitem.capabilities, ['Accept', 'Reject']);
      assert.equal(invited.data.workitem.uri, `${b.url}/api/v2/me/workitems/wi-1`);
      assert.equal(
        desk.count((m) => m.channel !== '/v2/me/workitems'),
        0,
        'only the subscribed topic',
      );

      const active = await http('GET', `${api()}/me/workitems?fields=*`, undefined, agent1);
      assert.deepEqual(
        active.body.workitems.map((w: any) => [w.id, w.state]),
        [['wi-1', 'Invited']],
      );
      assert.deepEqual((await http('GET', `${api()}/me/workitems`, undefined, agent1)).body, { statusCode: 0, uris: [`${b.url}/api/v2/me/workitems/wi-1`] });

      assert.deepEqual((await http('POST', `${api()}/me/workitems/wi-1`, { operationName: 'Accept' }, agent1)).body, { statusCode: 0 });
      assert.equal((await soapStatus(b, 'wi-1')).status, 'ASSIGNED');
      const processing = await desk.next((m) => m.data.workitem?.state === 'Processing', 'Processing');
      assert.ok(processing.data.workitem.capabilities.includes('Complete'));

      const nested = { customer: { id: 7, tags: ['gold'] }, note: 'call back' };
      assert.deepEqual((await http('POST', `${api()}/me/workitems/wi-1`, { operationName: 'AttachUserData', userData: nested }, agent1)).body, {
        statusCode: 0,
      });
      const props = await desk.next((m) => m.data.notificationType === 'PropertiesUpdated', 'PropertiesUpdated');
      assert.deepEqual(props.data.workitem.userData.customer, { id: 7, tags: ['gold'] });
      assert.equal(props.data.workitem.userData.note, 'call back');
      assert.deepEqual((await http('GET', `${api()}/me/workitems/wi-1`, undefined, agent1)).body.workitem.userData.customer, { id: 7, tags: ['gold'] });
      assert.deepEqual((await http('POST', `${api()}/me/workitems/wi-1`, { operationName: 'DeleteUserData', keys: ['note'] }, agent1)).body, { statusCode: 0 });

      // workbin.js: park it, read the workbin, pull it back.
      assert.deepEqual((await http('POST', `${api()}/workbins/later`, { operationName: 'AddWorkitem', id: 'wi-1' }, agent1)).body, { statusCode: 0 });
      await desk.next((m) => m.data.workitem?.state === 'InWorkbin', 'InWorkbin');
      assert.deepEqual(
        (await http('GET', `${api()}/me/workbins?fields=*`, undefined, agent1)).body.workbins.map((w: any) => w.id),
        ['later'],
      );
      const parked = await http('GET', `${api()}/workbins/later/workitems?fields=*`, undefined, agent1);
      assert.deepEqual(
        parked.body.workitems.map((w: any) => [w.id, w.state]),
        [['wi-1', 'InWorkbin']],
      );
      assert.equal((await http('POST', `${api()}/workbins/other`, { operationName: 'PullWorkitem', id: 'wi-1' }, agent1)).body.statusCode, 2);
      assert.deepEqual((await http('POST', `${api()}/workbins/later`, { operationName: 'PullWorkitem', id: 'wi-1' }, agent1)).body, { statusCode: 0 });
      assert.equal((await http('GET', `${api()}/me/workitems/wi-1`, undefined, agent1)).body.workitem.state, 'Processing');

      // workitem.js completes into config.COMPLETED_QUEUE, a queue beyond the contact center.
      assert.deepEqual((await http('POST', `${api()}/me/workitems/wi-1`, { operationName: 'Complete', queueName: 'Done' }, agent1)).body, { statusCode: 0 });
      assert.equal((await soapStatus(b, 'wi-1')).status, 'CLOSED');
      await desk.next((m) => m.data.workitem?.state === 'Completed', 'Completed');
      assert.equal((await http('POST', `${api()}/me/workitems/wi-1`, { operationName: 'Accept' }, agent1)).body.statusCode, 2);
      assert.equal((await http('POST', `${api()}/me/chats/wi-1`, { operationName: 'Accept' }, agent1)).body.statusCode, 6, 'a workitem is no chat');
    } finally {
      desk.close();
    }
  });

  it('a chat desktop: ChatStateChangeMessage on /v2/me/chats, Invited → Chatting → Completed; one device notification per state', async () => {
    const desk = await GwsDesktop.open(b.url, 'alice', 'change-me-alice', ['/v2/me/chats', '/v2/me/devices']);
    try {
      await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', channels: ['chat', 'workitem'] }, alice);
      await desk.next((m) => m.channel === '/v2/me/devices' && m.data.devices[0].userState.state === 'NotReady', 'device NotReady');
      await new Promise((r) => setTimeout(r, 300)); // both channels' logins are told by now
      await http('POST', `${api()}/me`, { operationName: 'Ready' }, alice);
      await desk.next((m) => m.channel === '/v2/me/devices' && m.data.devices[0].userState.state === 'Ready', 'device Ready');
      await soapStart(b, 'SALES', 'ch-1', 1003);
      const invited = await desk.next((m) => m.data.chat?.state === 'Invited', 'chat Invited');
      assert.equal(invited.data.messageType, 'ChatStateChangeMessage');
      assert.equal(invited.data.chat.chatType, 'Inbound');
      assert.equal(invited.data.chat.participants[0].type, 'Customer');
      assert.deepEqual((await http('POST', `${api()}/me/chats/ch-1`, { operationName: 'Accept', nickname: 'Alice' }, alice)).body, { statusCode: 0 });
      const chatting = await desk.next((m) => m.data.chat?.state === 'Chatting', 'Chatting');
      assert.ok(chatting.data.chat.participants.some((p: any) => p.type === 'Agent' && p.participantId === 'alice'));
      assert.deepEqual((await http('POST', `${api()}/me/chats/ch-1`, { operationName: 'UpdateUserData', userData: { topic: 'order' } }, alice)).body, {
        statusCode: 0,
      });
      assert.equal((await http('GET', `${api()}/me/chats/ch-1`, undefined, alice)).body.chat.userData.topic, 'order');
      assert.deepEqual((await http('POST', `${api()}/me/chats/ch-1`, { operationName: 'Complete' }, alice)).body, { statusCode: 0 });
      await desk.next((m) => m.data.chat?.state === 'Completed', 'chat Completed');
      assert.equal((await soapStatus(b, 'ch-1')).status, 'CLOSED');
      // Logged in on two channels, made ready on both: each device state once (issue 12 point 9).
      const states = desk.messages.filter((m) => m.channel === '/v2/me/devices').map((m) => m.data.devices[0].userState.state);
      assert.deepEqual(states, ['NotReady', 'Ready']);
    } finally {
      desk.close();
    }
  });

  it("the seed's StartContactCenterSession samples succeed; JSON null is an absent parameter", async () => {
    const start = async (who: Record<string, string>, body: Record<string, unknown>) => {
      const r = await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', ...body }, who);
      await http('POST', `${api()}/me`, { operationName: 'EndContactCenterSession' }, who);
      return r;
    };
    assert.deepEqual((await start(agent1, { channels: ['voice'] })).body, { statusCode: 0 }); // sample 1
    assert.deepEqual((await start(agent1, { place: 'SIP_5000', loginCode: '8000', queue: '9000', channels: ['voice'] })).body, { statusCode: 0 }); // sample 2
    assert.deepEqual((await start(agent1, { channels: ['voice'], place: 'agent1', loginCode: 'agent1', agentLoginPassword: 'password' })).body, {
      statusCode: 0,
    }); // sample 3
    assert.deepEqual((await start(agent1, { channels: ['voice', 'chat'] })).body, { statusCode: 0 }); // sample 4: chat is served here
    assert.deepEqual((await start(agent1, { workmode: 'ManualIn', channels: ['voice'], place: 'agent1@pizza.com' })).body, { statusCode: 0 }); // sample 5
    assert.deepEqual((await start(agent1, { workmode: 'aManualIn', channels: ['voice'], place: 'agent1@pizza.com' })).body, {
      statusCode: 2,
      statusMessage: `Parameter 'workmode' is invalid: "The specified value is not within valid range"`,
    });
    const dyn = await start(agent1, { channels: ['voice'], dynamicPhoneNumber: '%dynamic_phone_number%' }); // sample 6
    assert.equal(dyn.body.statusCode, 0);
    assert.equal(dyn.body.devices[0].dynamicPhoneNumber, '%dynamic_phone_number%');
    assert.deepEqual(dyn.body.devices[0].channels, ['voice']);
    assert.deepEqual((await start(agent1, { channels: ['voice'], loginCode: null, place: null })).body, { statusCode: 0 });
    // voice logs the agent in at its device: its work channels, as the MCC side sees.
    await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', channels: ['voice'] }, agent1);
    const state = await b.engine.agentState('agent1');
    assert.ok(state.ok && state.value.loggedIn && state.value.channels.length === 2);
  });

  it('settings, agent states, workbins; every answer carries statusCode, 404s included', async () => {
    const states = await http('GET', `${api()}/settings/agent-states`, undefined, alice);
    assert.equal(states.body.statusCode, 0);
    assert.deepEqual(
      states.body.settings.map((s: any) => s.operationName),
      ['Ready', 'NotReady', 'AuxWork', 'AfterCallWork'],
    );
    assert.deepEqual((await http('GET', `${api()}/me/workbins`, undefined, alice)).body, { statusCode: 0, uris: [] });
    assert.equal((await http('POST', `${api()}/workbins/later`, { operationName: 'Shred', id: 'x' }, alice)).body.statusCode, 2);
    const missing = await http('GET', `${api()}/me/nothing-here`, undefined, alice);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.statusCode, 6);
    assert.equal((await http('POST', `${api()}/me/openmedia/sms/x`, { operationName: 'Accept' }, alice)).body.statusCode, 3, 'no sms channel');

    await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, alice);
    await http('POST', `${api()}/me`, { operationName: 'Ready' }, alice);
    await soapStart(b, 'SALES', 'gen-1', 1003);
    // The 8.5.1 generic API too: {"status":"ok"} now with its statusCode.
    assert.deepEqual((await http('POST', `${api()}/me/interactions/gen-1`, { operationName: 'Accept' }, alice)).body, { status: 'ok', statusCode: 0 });
    await http('POST', `${api()}/me/interactions/gen-1`, { operationName: 'PlaceInWorkbin', workbin: 'later' }, alice);
    const bins = await http('GET', `${api()}/me/workbins?fields=*`, undefined, alice);
    assert.deepEqual(
      bins.body.workbins.map((w: any) => w.id),
      ['later'],
    );
  });
});
