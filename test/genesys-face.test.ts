import assert from 'node:assert/strict';
import { adapt } from 'cometd-nodejs-client';
import { CometD, type Message } from 'cometd';
import { genesysStatusCodes } from '../src/reasons/index.js';
import type { TestBridge } from './support/bridge.js';
import { basic, eventually, http, logoutEveryone, soapStart, soapStatus, startFacesBridge } from './support/agent-faces.js';

adapt(); // XMLHttpRequest and WebSocket for the CometD client in Node

/** A real CometD client subscribed to /v2/me/*, recording what arrives. */
async function cometdFor(url: string, user: string, password: string): Promise<{ cometd: CometD; messages: Array<{ channel: string; data: any }> }> {
  const cometd = new CometD();
  cometd.unregisterTransport('websocket'); // GWS 8.5 serves long-polling (genesys.md §3)
  cometd.configure({ url: `${url}/api/v2/notifications`, requestHeaders: { Authorization: basic(user, password) }, logLevel: 'warn' });
  const messages: Array<{ channel: string; data: any }> = [];
  await new Promise<void>((resolve, reject) => {
    cometd.handshake((reply: Message) => {
      if (!reply.successful) return reject(new Error(`handshake failed: ${JSON.stringify(reply)}`));
      cometd.subscribe(
        '/v2/me/*',
        (m: Message) => messages.push({ channel: m.channel, data: m.data }),
        (sub: Message) => (sub.successful ? resolve() : reject(new Error(JSON.stringify(sub)))),
      );
    });
  });
  return { cometd, messages };
}

describe('Genesys GWS face', () => {
  let b: TestBridge;
  const api = () => `${b.url}/api/v2`;
  const as = (user: string, password: string) => ({ Authorization: basic(user, password) });
  const alice = as('alice', 'alice-pw');
  before(async () => {
    b = await startFacesBridge();
  });
  after(() => b.close());
  afterEach(() => logoutEveryone(b));

  it('serves a whole session with CometD notifications: BOOKED → ASSIGNED → CLOSED as the integrator sees it', async () => {
    const { cometd, messages } = await cometdFor(b.url, 'alice', 'alice-pw');
    try {
      assert.deepEqual((await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, alice)).body, { statusCode: 0 });
      assert.deepEqual((await http('POST', `${api()}/me`, { operationName: 'Ready' }, alice)).body, { statusCode: 0 });
      const device = await eventually(
        () => messages.find((m) => m.channel === '/v2/me/devices' && m.data.devices[0].userState.state === 'Ready'),
        5000,
        'device Ready',
      );
      assert.equal(device.data.messageType, 'DeviceStateChangeMessage');
      assert.ok(messages.some((m) => m.channel === '/v2/me/channels' && m.data.messageType === 'ChannelStateChangeMessageV2'));

      await soapStart(b, 'CHAT', 'gws-1');
      const invited = await eventually(
        () => messages.find((m) => m.channel === '/v2/me/interactions' && m.data.interaction.state === 'Invited'),
        5000,
        'Invited',
      );
      assert.equal(invited.data.interaction.id, 'gws-1');
      assert.deepEqual(invited.data.interaction.capabilities, ['Accept', 'Reject']);
      assert.equal((await soapStatus(b, 'gws-1')).status, 'BOOKED');

      const list = await http('GET', `${api()}/me/interactions`, undefined, alice);
      assert.deepEqual(list.body, { statusCode: 0, uris: [`${b.url}/api/v2/interactions/gws-1`] });
      const full = await http('GET', `${api()}/me/interactions?fields=*`, undefined, alice);
      assert.equal(full.body.interactions[0].state, 'Invited');

      assert.deepEqual((await http('POST', `${api()}/me/interactions/gws-1`, { operationName: 'Accept' }, alice)).body, { status: 'ok', statusCode: 0 });
      const assigned = await soapStatus(b, 'gws-1');
      assert.equal(assigned.status, 'ASSIGNED');
      assert.equal(assigned.username, 'alice');
      await eventually(() => messages.find((m) => m.data.interaction?.state === 'Processing'), 5000, 'Processing');

      const update = await http(
        'POST',
        `${api()}/me/interactions/gws-1`,
        { operationName: 'UpdateUserData', userData: { sessionData: 'ticket 77', extra: { a: 1 } } },
        alice,
      );
      assert.deepEqual(update.body, { status: 'ok', statusCode: 0 });
      assert.equal((await b.soap('checkSessionStateWithData', { sessionId: 'gws-1' })).sessionData, 'ticket 77');
      const props = await eventually(
        () => messages.find((m) => m.channel === '/v2/me/interactions' && m.data.notificationType === 'PropertiesUpdated'),
        5000,
        'PropertiesUpdated',
      );
      assert.deepEqual(props.data.interaction.userData.extra, { a: 1 }); // nested userData keeps its structure (issue 12 point 11)
      const one = await http('GET', `${api()}/interactions/gws-1`, undefined, alice);
      assert.equal(one.body.interaction.userData.sessionData, 'ticket 77');

      assert.deepEqual((await http('POST', `${api()}/me/interactions/gws-1`, { operationName: 'Complete' }, alice)).body, { statusCode: 0 });
      assert.equal((await soapStatus(b, 'gws-1')).status, 'CLOSED');
      await eventually(() => messages.find((m) => m.data.interaction?.state === 'Completed'), 5000, 'Completed');
      assert.deepEqual((await http('POST', `${api()}/me`, { operationName: 'EndContactCenterSession' }, alice)).body, { statusCode: 0 });
      await eventually(() => messages.find((m) => m.channel === '/v2/me/devices' && m.data.devices[0].userState.state === 'LoggedOut'), 5000, 'LoggedOut');
    } finally {
      cometd.disconnect();
    }
  });

  it('StartContactCenterSession: every parameter, the workmode error and partial success', async () => {
    const start = (body: Record<string, unknown>) => http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', ...body }, alice);
    const bad = await start({ channels: ['chat'], workmode: 'aManualIn', place: 'agent1@pizza.com' });
    assert.deepEqual(bad.body, { statusCode: 2, statusMessage: `Parameter 'workmode' is invalid: "The specified value is not within valid range"` });
    assert.equal(bad.status, 400);
    assert.deepEqual((await start({})).body.statusCode, genesysStatusCodes.MISSING_PARAMETER);
    assert.equal((await start({ channels: 'chat' })).body.statusCode, genesysStatusCodes.INVALID_PARAMETER);
    assert.equal((await start({ channels: ['chat'], loginCode: '202' })).body.statusCode, genesysStatusCodes.FORBIDDEN);
    assert.equal((await start({ channels: ['chat'], loginCode: '201', agentLoginPassword: 'nope' })).body.statusCode, genesysStatusCodes.UNAUTHENTICATED);
    assert.equal((await start({ channels: ['chat'], queue: 'NOPE' })).body.statusCode, genesysStatusCodes.UNKNOWN_SERVICE);
    const nothing = await start({ channels: ['sms'] });
    assert.deepEqual(Object.keys(nothing.body).sort(), ['statusCode', 'statusMessage']);
    assert.equal(nothing.body.statusCode, genesysStatusCodes.UNKNOWN_CHANNEL);
    assert.equal(((await b.engine.agentState('alice')) as any).value.loggedIn, false, 'refusals change nothing');

    const partial = await start({
      channels: ['sms', 'chat'],
      place: 'SIP_5000',
      loginCode: '201',
      agentLoginPassword: 'alice-pw',
      queue: 'CHAT',
      workmode: 'AutoIn',
    });
    assert.equal(partial.body.statusCode, 7);
    assert.deepEqual(partial.body.succeeded, [{ channel: 'chat', statusCode: 0 }]);
    assert.equal(partial.body.failed[0].channel, 'sms');
    assert.equal(partial.body.failed[0].statusCode, 3);
    // AutoIn: offered sessions are answered at once
    await http('POST', `${api()}/me/channels/chat`, { operationName: 'Ready' }, alice);
    await soapStart(b, 'CHAT', 'gws-auto');
    assert.equal((await soapStatus(b, 'gws-auto')).status, 'ASSIGNED');
    await logoutEveryone(b);

    const dyn = await start({ channels: ['chat', 'email'], dynamicPhoneNumber: '5551234', devicePath: '/devices/1' });
    assert.equal(dyn.body.statusCode, 0);
    assert.equal(dyn.body.devices[0].dynamicPhoneNumber, '5551234');
    assert.equal(dyn.body.devices[0].phoneNumber, '5551234');
  });

  it('authenticates with Basic or the JSESSIONID cookie; EndContactCenterSession ends the HTTP session', async () => {
    const none = await http('GET', `${api()}/me`);
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, { statusCode: 20, statusMessage: 'Access denied' });
    assert.equal((await http('GET', `${api()}/me`, undefined, as('alice', 'wrong'))).body.statusCode, 20);
    const me = await http('GET', `${api()}/me`, undefined, alice);
    assert.equal(me.body.user.userName, 'alice');
    const cookie = (me.headers.get('set-cookie') ?? '').split(';')[0] as string;
    assert.match(cookie, /^JSESSIONID=/);
    assert.equal((await http('GET', `${api()}/me`, undefined, { Cookie: cookie })).body.user.userName, 'alice');
    await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, { Cookie: cookie });
    await http('POST', `${api()}/me`, { operationName: 'EndContactCenterSession' }, { Cookie: cookie });
    assert.equal((await http('GET', `${api()}/me`, undefined, { Cookie: cookie })).body.statusCode, 20);
    // A CometD handshake needs credentials too.
    await assert.rejects(cometdFor(b.url, 'alice', 'wrong'), /handshake failed/);
  });

  it('Reject, Cancel, PlaceInQueue, workbins, DeleteUserData and Transfer, with their error codes', async () => {
    const op = (id: string, body: Record<string, unknown>, who = alice) => http('POST', `${api()}/me/interactions/${id}`, body, who);
    const bobH = as('bob', 'bob-pw');
    for (const h of [alice, bobH]) {
      await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, h);
    }
    await http('POST', `${api()}/me`, { operationName: 'Ready' }, alice);
    await soapStart(b, 'CHAT', 'g-2');
    assert.deepEqual((await op('g-2', { operationName: 'Reject' })).body, { status: 'ok', statusCode: 0 });
    assert.equal((await soapStatus(b, 'g-2')).status, 'QUEUED');
    const notMine = await op('g-2', { operationName: 'Accept' });
    assert.equal(notMine.body.status, 'error');
    assert.equal(notMine.body.statusCode, genesysStatusCodes.INVALID_STATE);
    assert.equal((await op('nope', { operationName: 'Accept' })).body.statusCode, genesysStatusCodes.UNKNOWN_INTERACTION);
    assert.equal((await op('g-2', {})).body.statusCode, genesysStatusCodes.MISSING_PARAMETER);

    await soapStart(b, 'CHAT', 'g-3');
    await op('g-3', { operationName: 'Accept' });
    assert.deepEqual((await op('g-3', { operationName: 'AttachUserData', userData: { k1: 'v1', k2: 'v2' } })).body, { status: 'ok', statusCode: 0 });
    assert.deepEqual((await op('g-3', { operationName: 'DeleteUserData', userData: { k1: '' } })).body, { status: 'ok', statusCode: 0 });
    assert.deepEqual((await http('GET', `${api()}/interactions/g-3`, undefined, alice)).body.interaction.userData, { k2: 'v2' });
    assert.deepEqual((await http('PUT', `${api()}/interactions/g-3`, { userData: { k3: 'v3' } }, alice)).body, { statusCode: 0 });
    assert.deepEqual((await op('g-3', { operationName: 'PlaceInWorkbin', workbin: 'later' })).body, { status: 'ok', statusCode: 0 });
    const content = await op('g-3', { operationName: 'GetWorkbinContent', workbin: 'later' });
    assert.equal(content.body.status, 'ok');
    assert.deepEqual(
      content.body.interactions.map((i: any) => [i.id, i.state]),
      [['g-3', 'InWorkbin']],
    );
    assert.deepEqual((await op('g-3', { operationName: 'Accept' })).body, { status: 'ok', statusCode: 0 }); // pulled back
    // Cancel drops a Reply in progress (seed 003); there is none, so nothing moves (issue 12 point 11).
    assert.equal((await op('g-3', { operationName: 'Cancel' })).body.statusCode, genesysStatusCodes.INVALID_STATE);
    assert.equal((await soapStatus(b, 'g-3')).status, 'ASSIGNED');
    assert.equal((await soapStatus(b, 'g-3')).username, 'alice');

    await logoutEveryone(b);
    await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, alice);
    await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, bobH);
    await http('POST', `${api()}/me`, { operationName: 'Ready' }, alice);
    await soapStart(b, 'CHAT', 'g-4');
    await op('g-4', { operationName: 'Accept' });
    assert.equal((await op('g-4', { operationName: 'PlaceInQueue' })).body.statusCode, genesysStatusCodes.MISSING_PARAMETER);
    assert.equal((await op('g-4', { operationName: 'Transfer', userId: 'nobody' })).body.statusCode, genesysStatusCodes.UNKNOWN_AGENT);
    assert.deepEqual((await op('g-4', { operationName: 'Transfer', userId: 'bob' })).body, { statusCode: 0 });
    const moved = await soapStatus(b, 'g-4');
    assert.equal(moved.status, 'BOOKED');
    assert.equal(moved.username, 'bob');
    assert.deepEqual((await op('g-4', { operationName: 'Accept' }, bobH)).body, { status: 'ok', statusCode: 0 });
    assert.deepEqual((await op('g-4', { operationName: 'PlaceInQueue', queueName: 'SALES' }, bobH)).body, { status: 'ok', statusCode: 0 });
    // Back in a queue, g-4 is nobody's: carol, who supervises SALES, sees it there.
    assert.equal(
      (await http('GET', `${api()}/interactions?fields=*`, undefined, as('carol', 'carol-pw'))).body.interactions.find((i: any) => i.id === 'g-4').queue,
      'SALES',
    );
    assert.equal((await op('g-4', { operationName: 'Launch' }, bobH)).body.statusCode, genesysStatusCodes.INVALID_PARAMETER);
  });
});
