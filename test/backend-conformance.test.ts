import assert from 'node:assert/strict';
import { eventually } from './support/agent-faces.js';
import { startTestBridge } from './support/bridge.js';
import { startSimulator, startVendorBridge, vendorBackend, vendorInteraction, type VendorKind } from './support/simulator.js';

/**
 * The one Backend conformance suite: the full MCC scenario (all 8 operations, over REST and over
 * SOAP) against the embedded engine and against each vendor adapter talking to its simulator. The
 * agents work where agents work: in the engine, or at the simulated vendor's desks.
 */
interface Harness {
  name: string;
  /** An MCC call over one face, answered in REST/JSON shape. */
  call(op: string, params: Record<string, unknown>): Promise<Record<string, any>>;
  agentLogin(username: string): Promise<void>;
  /** The agent takes what it was offered. */
  agentAccept(username: string, sessionId: string): Promise<void>;
  /** Direct offers to a named agent: not every platform has them. */
  directOffers: boolean;
  close(): Promise<void>;
}

const VENDOR_IDS: Record<string, string> = { alice: '201', bob: '202' };

async function embeddedHarness(face: 'rest' | 'soap'): Promise<Harness> {
  const b = await startTestBridge({ embedded: { channels: [{ id: 1003, license: 100, services: [{ code: 'CHAT' }, { code: 'SALES' }] }], agents: [{ username: 'alice', skills: ['CHAT'] }, { username: 'bob', skills: ['CHAT'] }] } });
  return {
    name: `embedded over ${face}`,
    call: (op, params) => (face === 'rest' ? b.rest(op as any, restParams(params)) : b.soap(op as any, params)),
    async agentLogin(u) {
      await b.engine.agentLogin(u, [1003], { initial: { ready: true } });
    },
    async agentAccept(u, id) {
      const out = await b.engine.accept(id, u);
      assert.ok(out.ok, JSON.stringify(out));
    },
    directOffers: true,
    close: () => b.close(),
  };
}

async function vendorHarness(kind: VendorKind, face: 'rest' | 'soap'): Promise<Harness> {
  const sim = await startSimulator(kind);
  const b = await startVendorBridge(vendorBackend(kind, sim));
  await eventually(async () => (await fetch(`${b.url}/readyz`)).status === 200, 10_000, `${kind} link up`);
  return {
    name: `${kind} over ${face}`,
    call: (op, params) => (face === 'rest' ? b.rest(op as any, restParams(params)) : b.soap(op as any, params)),
    async agentLogin(u) {
      await sim.control(`agents/${VENDOR_IDS[u]}/login`, { ready: true });
    },
    async agentAccept(u, id) {
      const i = await vendorInteraction(sim, id);
      const r = await sim.control(`agents/${VENDOR_IDS[u]}/accept/${i.id}`);
      assert.equal(r.error, undefined, JSON.stringify(r));
    },
    directOffers: kind !== 'xivo',
    async close() {
      await b.close();
      await sim.kill();
    },
  };
}

function restParams(p: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : String(v);
  return out;
}

const status = async (h: Harness, sessionId: string) => (await h.call('checkSessionState', { sessionId })).status as string;

const kinds: Array<() => Promise<Harness>> = [];
for (const face of ['rest', 'soap'] as const) {
  kinds.push(() => embeddedHarness(face));
  for (const kind of ['genesys', 'huawei', 'xivo'] as const) kinds.push(() => vendorHarness(kind, face));
}

describe('Backend conformance: the MCC scenario on every backend', function () {
  this.timeout(60_000);
  for (const make of kinds) {
    it(`runs all 8 operations (${make.toString().includes('embedded') ? 'embedded' : 'vendor'})`, async function () {
      const h = await make();
      this.test!.title = `runs all 8 operations: ${h.name}`;
      try {
        // getServiceState: nobody logged in, then staffed
        const empty = await h.call('getServiceState', { channelId: 1003, serviceCodes: ['CHAT', 'NOPE'] });
        assert.equal(empty.result, 'SUCCESS', JSON.stringify(empty));
        assert.deepEqual(empty.state, { CHAT: 'OUT_OF_SERVICE', NOPE: 'UNKNOWN_SERVICE' });
        await h.agentLogin('alice');
        // XUC pushes queue statistics: the new agent shows up a moment later
        await eventually(async () => (await h.call('getServiceState', { channelId: 1003, serviceCodes: ['CHAT'] })).state.CHAT === 'ACTIVE', 5000, 'ACTIVE');

        // startSession → NEW, data, queue → offered → accepted → closed
        const started = await h.call('startSession', { channelId: 1003, serviceid: 'CHAT', sessionId: `conf-${h.name.replace(/\W/g, '')}`, contactValue: '+39055', data: 'order 7' });
        assert.equal(started.result, 'SUCCESS', JSON.stringify(started));
        const id = started.sessionId as string;
        assert.equal(await status(h, id), 'NEW');
        assert.equal((await h.call('setSessionData', { sessionId: id, sessionData: 'first' })).result, 'SUCCESS');
        const accepted = await h.call('sessionAccept', { sessionId: id });
        assert.equal(accepted.result, 'SUCCESS', JSON.stringify(accepted));
        await eventually(async () => (await status(h, id)) === 'BOOKED', 5000, 'BOOKED');
        const booked = await h.call('checkSessionState', { sessionId: id });
        assert.equal(booked.username, 'alice', JSON.stringify(booked));
        await h.agentAccept('alice', id);
        await eventually(async () => (await status(h, id)) === 'ASSIGNED', 5000, 'ASSIGNED');
        assert.equal((await h.call('setSessionData', { sessionId: id, sessionData: 'second' })).result, 'SUCCESS');
        const withData = await h.call('checkSessionStateWithData', { sessionId: id });
        assert.equal(withData.sessionData, 'second');
        assert.equal(withData.username, 'alice', JSON.stringify(withData));
        assert.equal((await h.call('closeSession', { sessionId: id, reason: 'REQUEST_FROM_CALLER' })).result, 'SUCCESS');
        assert.equal(await status(h, id), 'CLOSED');
        assert.equal((await h.call('closeSession', { sessionId: id, reason: 'REQUEST_FROM_CALLER' })).result, 'SUCCESS', 'closing again is safe');

        // a direct offer to a named agent, where the platform has them
        await h.agentLogin('bob');
        const direct = await h.call('startSession', { channelId: 1003, serviceid: 'CHAT' });
        const offered = await h.call('sessionAccept', { sessionId: direct.sessionId, user: 'bob' });
        if (h.directOffers) {
          assert.equal(offered.result, 'SUCCESS', JSON.stringify(offered));
          await eventually(async () => (await h.call('checkSessionState', { sessionId: direct.sessionId })).username === 'bob', 5000, 'offered to bob');
        } else {
          assert.equal(offered.failReason, 'REQUEST_REJECTED_BY_SERVICE');
        }

        // unknown things
        assert.equal((await h.call('startSession', { channelId: 1003, serviceid: 'NOPE' })).failReason, 'UNKNOWN_SERVICE');
        assert.equal((await h.call('checkSessionState', { sessionId: 'no-such-session' })).failReason, 'INVALID_SESSION_ID');

        // logoutAgentFromChannel
        const out = await h.call('logoutAgentFromChannel', { channelId: 1003, agentUsername: 'alice' });
        assert.equal(out.result, 'SUCCESS', JSON.stringify(out));
        assert.equal((await h.call('logoutAgentFromChannel', { channelId: 1003, agentUsername: 'alice' })).failReason, 'USER_NOT_LOGGED');
        assert.equal((await h.call('logoutAgentFromChannel', { channelId: 1003, agentUsername: 'nobody' })).failReason, 'INVALID_USERNAME');
      } finally {
        await h.close();
      }
    });
  }
});
