import assert from 'node:assert/strict';
import { parseConfig } from '../src/config/index.js';
import type { TestBridge } from './support/bridge.js';
import { FACES_EMBEDDED, eventually, http, logoutEveryone, startFacesBridge, guidOf } from './support/agent-faces.js';

/**
 * Issue 12, point 4, through the running server: sessions an agent held go back to their queues in
 * their original order and places when it logs out, and a service a reload removed takes no more
 * sessions (MCC sessionAccept answers SERVICE_NOT_ENABLED, nothing is queued), while the sessions
 * already waiting on it stay queued until it comes back.
 */
describe('sessions requeued on logout, and services removed by reload', () => {
  let b: TestBridge;
  let gw: string;
  before(async () => {
    b = await startFacesBridge({ faces: { huawei: { pollWaitSeconds: 0.1 } } });
    gw = `${b.url}/agentgateway/resource`;
  });
  after(() => b.close());
  afterEach(() => logoutEveryone(b));

  const signIn = async (agentId: number, password: string, extra: Record<string, unknown> = {}) => {
    const r = await http('PUT', `${gw}/onlineagent/${agentId}/loginex`, { password, ...extra });
    assert.equal(r.body.retcode, '0', JSON.stringify(r.body));
    return guidOf(r);
  };
  const start = async (sessionId: string, serviceid = 'CHAT', user?: string) => {
    assert.equal((await b.rest('startSession', { channelId: '1003', serviceid, sessionId })).result, 'SUCCESS');
    const accepted = await b.rest('sessionAccept', { sessionId, ...(user ? { user } : {}) });
    assert.equal(accepted.result, 'SUCCESS', JSON.stringify(accepted));
  };
  const status = (sessionId: string) => b.rest('checkSessionState', { sessionId });
  const position = async (sessionId: string) => {
    const i = await b.engine.getInteraction(sessionId);
    assert.ok(i.ok);
    return i.value.queuePosition;
  };
  /** The calls offered to an agent, in the order its Huawei poll delivers them. */
  const ringing = async (agentId: number, guid: string, count: number) => {
    const calls: string[] = [];
    await eventually(
      async () => {
        const r = await http('GET', `${gw}/agentevent/${agentId}`, undefined, { Guid: guid });
        if (r.body.event?.eventType === 'AgentEvent_Ringing') calls.push(r.body.event.content.callid);
        return calls.length >= count;
      },
      5000,
      `${count} offers to ${agentId}`,
    );
    return calls;
  };

  it('a logout puts the held sessions back in their original order and places, ahead of those who came after', async () => {
    const alice = await signIn(201, 'alice-pw', { autoanswer: true });
    await start('held-1');
    await start('held-2');
    assert.equal((await status('held-1')).status, 'ASSIGNED');
    assert.equal((await status('held-2')).status, 'ASSIGNED');
    await start('waiting-3');
    await start('waiting-4');
    assert.equal((await status('waiting-3')).status, 'QUEUED', 'alice is at capacity');

    assert.equal((await http('DELETE', `${gw}/onlineagent/201/forcelogout`, undefined, { Guid: alice })).body.retcode, '0');
    for (const id of ['held-1', 'held-2', 'waiting-3', 'waiting-4']) assert.equal((await status(id)).status, 'QUEUED', id);
    assert.deepEqual(
      await Promise.all(['held-1', 'held-2', 'waiting-3', 'waiting-4'].map(position)),
      [1, 2, 3, 4],
      'held-1 and held-2 back where they were, in that order',
    );

    // The next agent is offered them in that order (dave takes one at a time: capacity 1).
    const dave = await signIn(203, 'dave-pw', { autoanswer: false });
    assert.deepEqual(await ringing(203, dave, 1), ['held-1']);
    for (const id of ['held-2', 'waiting-3', 'waiting-4']) assert.equal((await status(id)).status, 'QUEUED');
  });

  it('sessions offered directly, never queued, go to the head in the order they were held', async () => {
    const alice = await signIn(201, 'alice-pw', { autoanswer: true });
    await start('direct-1', 'CHAT', 'alice');
    await start('direct-2', 'CHAT', 'alice');
    assert.equal((await status('direct-2')).status, 'ASSIGNED');
    await start('queued-3');
    assert.equal((await status('queued-3')).status, 'QUEUED', 'alice is at capacity');
    assert.equal((await http('DELETE', `${gw}/onlineagent/201/forcelogout`, undefined, { Guid: alice })).body.retcode, '0');
    assert.deepEqual(await Promise.all(['direct-1', 'direct-2', 'queued-3'].map(position)), [1, 2, 3]);
  });

  it('a service removed by reload refuses sessionAccept and queues nothing; the sessions waiting on it stay, and are served when it is back', async () => {
    const withoutSales = FACES_EMBEDDED.channels.map((c) => (c.id === 1003 ? { ...c, services: c.services.filter((s) => s.code !== 'SALES') } : c));
    const config = (channels: unknown) => parseConfig({ server: { port: 0, host: '127.0.0.1' }, embedded: { ...FACES_EMBEDDED, channels } }, 'test');

    await start('sales-waiting', 'SALES'); // nobody logged in: it waits
    assert.equal((await b.rest('startSession', { channelId: '1003', serviceid: 'SALES', sessionId: 'sales-new' })).result, 'SUCCESS');
    assert.equal((await b.rest('startSession', { channelId: '1003', serviceid: 'SALES', sessionId: 'sales-direct' })).result, 'SUCCESS');
    await b.reload(config(withoutSales));

    const refused = await b.rest('sessionAccept', { sessionId: 'sales-new' });
    assert.equal(refused.result, 'FAILED');
    assert.equal(refused.failReason, 'SERVICE_NOT_ENABLED', JSON.stringify(refused));
    assert.equal((await status('sales-new')).status, 'NEW', 'not queued into a queue nobody serves');
    const bob = await signIn(202, 'bob-pw', { autoanswer: false });
    const directed = await b.rest('sessionAccept', { sessionId: 'sales-direct', user: 'bob' });
    assert.equal(directed.failReason, 'SERVICE_NOT_ENABLED', JSON.stringify(directed));
    assert.equal((await status('sales-direct')).status, 'NEW');
    assert.equal((await b.rest('startSession', { channelId: '1003', serviceid: 'SALES', sessionId: 'sales-late' })).failReason, 'UNKNOWN_SERVICE');

    // bob is skilled for SALES and ready, yet the waiting session is not offered: its queue is not served.
    assert.equal((await status('sales-waiting')).status, 'QUEUED');
    await b.reload(config(FACES_EMBEDDED.channels));
    assert.deepEqual(await ringing(202, bob, 1), ['sales-waiting']);
    assert.equal((await b.rest('sessionAccept', { sessionId: 'sales-new' })).result, 'SUCCESS', 'accepted again once the service is back');
  });
});
