import assert from 'node:assert/strict';
import { eventually } from './support/agent-faces.js';
import {
  startSimulator,
  startVendorBridge,
  vendorBackend,
  vendorInteraction,
  type Simulator,
  type VendorBridge,
  type VendorKind,
} from './support/simulator.js';

/**
 * A slow, dead, failing or garbling vendor: every MCC call answers in time with the documented
 * reason (never a hang, never a Fault), and the bridge recovers by itself when the vendor is back.
 * Deadline 1.5 s, breaker opening after 3 failures for 0.5 s (see vendorBackend()).
 */
const DEADLINE_MS = 1500;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t };
}

for (const kind of ['genesys', 'huawei', 'xivo'] as const satisfies readonly VendorKind[]) {
  describe(`${kind} adapter under faults`, function () {
    this.timeout(60_000);
    let sim: Simulator;
    let b: VendorBridge;
    const ready = () => eventually(async () => (await fetch(`${b.url}/readyz`)).status === 200, 15_000, `${kind} ready`);
    const start = async (sessionId: string) => {
      assert.equal((await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT', sessionId })).result, 'SUCCESS');
      return sessionId;
    };
    beforeEach(async () => {
      sim = await startSimulator(kind);
      b = await startVendorBridge(vendorBackend(kind, sim));
      await ready();
    });
    afterEach(async () => {
      await b.close();
      await sim.kill();
    });

    it('vendor down: answers in time (UNKNOW, OUT_OF_SERVICE, GENERIC), /readyz 503, and recovers when it is back', async () => {
      const queued = await start(`${kind}-down-1`);
      assert.equal((await b.rest('sessionAccept', { sessionId: queued })).status, 'QUEUED');
      const fresh = await start(`${kind}-down-2`);
      await sim.kill();
      await eventually(async () => (await fetch(`${b.url}/readyz`)).status === 503, 10_000, 'not ready');
      const check = await timed(() => b.rest('checkSessionState', { sessionId: queued }));
      assert.equal(check.value.status, 'UNKNOW', JSON.stringify(check.value));
      assert.ok(check.ms < DEADLINE_MS + 500, `${check.ms} ms`);
      const accept = await timed(() => b.soap('sessionAccept', { sessionId: fresh }));
      assert.equal(accept.value.result, 'FAILED');
      assert.ok(['GENERIC', 'TIMEOUT_EXCEEDED'].includes(accept.value.failReason), JSON.stringify(accept.value));
      assert.ok(accept.ms < DEADLINE_MS + 500, `${accept.ms} ms`);
      const states = await b.rest('getServiceState', { channelId: '1003', serviceCodes: 'CHAT' });
      assert.deepEqual(states.state, { CHAT: 'OUT_OF_SERVICE' });
      assert.equal((await b.rest('checkSessionState', { sessionId: fresh })).status, 'NEW', 'a session never sent stays readable');

      await sim.restart();
      await ready();
      // The restarted vendor forgot the queued session: the re-read closes it rather than leave it hanging.
      if (kind !== 'xivo') await eventually(async () => (await b.rest('checkSessionState', { sessionId: queued })).status === 'CLOSED', 10_000, 'resync');
      assert.equal((await b.rest('sessionAccept', { sessionId: fresh })).result, 'SUCCESS', 'works again by itself');
    });

    it('slow past the deadline: TIMEOUT_EXCEEDED in time; the breaker then fails fast and closes again', async () => {
      const ids = await Promise.all([1, 2, 3, 4].map((n) => start(`${kind}-slow-${n}`)));
      await sim.control('faults', { delayMs: DEADLINE_MS * 3 });
      const reasons: string[] = [];
      for (const id of ids.slice(0, 3)) {
        const r = await timed(() => b.rest('sessionAccept', { sessionId: id }));
        assert.equal(r.value.result, 'FAILED');
        reasons.push(r.value.failReason);
        assert.ok(r.ms < DEADLINE_MS + 500, `${r.ms} ms`);
      }
      assert.equal(reasons[0], 'TIMEOUT_EXCEEDED');
      assert.ok(
        reasons.every((r) => r === 'TIMEOUT_EXCEEDED' || r === 'GENERIC'),
        reasons.join(),
      );
      if (kind !== 'xivo') {
        // Three failures opened the circuit: the next call is refused at once, without waiting.
        const fast = await timed(() => b.rest('sessionAccept', { sessionId: ids[3] as string }));
        assert.equal(fast.value.failReason, 'GENERIC', JSON.stringify(fast.value));
        assert.match(fast.value.failReasonMessage, /circuit open/);
        assert.ok(fast.ms < 200, `${fast.ms} ms`);
        const metrics = await (await fetch(`${b.url}/metrics`)).text();
        assert.match(metrics, new RegExp(`mcc_backend_errors_total\\{backend="${kind}",reason="TIMEOUT"\\} [1-9]`));
        assert.match(metrics, /mcc_backend_circuit_open 1/);
      }
      await sim.control('faults', { delayMs: 0 });
      await ready();
      await eventually(async () => (await b.rest('sessionAccept', { sessionId: ids[3] as string })).result === 'SUCCESS', 10_000, 'recovered');
    });

    it('5xx and malformed answers: the documented reasons, then recovery', async () => {
      const a = await start(`${kind}-5xx`);
      const m = await start(`${kind}-bad`);
      if (kind === 'xivo') {
        // The socket carries XUC's answers: a garbled frame is an unreadable answer.
        await sim.control('faults', { malformed: true });
        const bad = await b.rest('sessionAccept', { sessionId: m });
        assert.equal(bad.failReason, 'INVALID_RESPONSE', JSON.stringify(bad));
        await sim.control('faults', { malformed: false, fail5xx: true });
        await sim.control('drop');
        const down = await b.rest('sessionAccept', { sessionId: a });
        assert.equal(down.failReason, 'GENERIC', JSON.stringify(down));
      } else {
        await sim.control('faults', { fail5xx: true });
        const down = await b.rest('sessionAccept', { sessionId: a });
        assert.equal(down.failReason, 'GENERIC', JSON.stringify(down));
        await sim.control('faults', { fail5xx: false, malformed: true });
        await new Promise((r) => setTimeout(r, 600)); // let the breaker half-open
        const bad = await b.rest('sessionAccept', { sessionId: m });
        assert.equal(bad.failReason, 'INVALID_RESPONSE', JSON.stringify(bad));
        const states = await b.rest('getServiceState', { channelId: '1003', serviceCodes: 'CHAT' });
        assert.ok(states.result === 'FAILED' || states.state.CHAT === 'OUT_OF_SERVICE', JSON.stringify(states));
      }
      await sim.control('faults', { fail5xx: false, malformed: false });
      await ready();
      await eventually(async () => (await b.rest('sessionAccept', { sessionId: a })).result === 'SUCCESS', 10_000, 'recovered');
    });

    it('a dropped event connection and expired credentials are picked up again without losing news', async () => {
      await sim.control('agents/201/login', { ready: true });
      const id = await start(`${kind}-drop`);
      await sim.control('drop');
      await sim.control('expire');
      // The next calls authenticate again by themselves.
      await eventually(async () => (await b.rest('sessionAccept', { sessionId: id })).result === 'SUCCESS', 10_000, 'accepted after expiry');
      await ready();
      await eventually(
        async () => (await b.rest('checkSessionState', { sessionId: id })).status === 'BOOKED',
        10_000,
        'offered, seen through the new connection',
      );
      const i = await vendorInteraction(sim, id);
      await sim.control(`agents/201/accept/${i.id}`);
      await eventually(async () => (await b.rest('checkSessionState', { sessionId: id })).status === 'ASSIGNED', 10_000, 'assigned');
      assert.equal((await b.rest('closeSession', { sessionId: id, reason: 'REQUEST_FROM_CALLEE' })).result, 'SUCCESS');
    });
  });
}

describe('XiVO logout failures from the Asterisk side', function () {
  this.timeout(30_000);
  it('answer LOGOUT_ASTERISK_ERROR', async () => {
    const sim = await startSimulator('xivo');
    const b = await startVendorBridge(vendorBackend('xivo', sim));
    try {
      await eventually(async () => (await fetch(`${b.url}/readyz`)).status === 200, 10_000, 'ready');
      await sim.control('agents/201/login', { ready: true });
      await sim.control('faults', { asteriskDown: true });
      assert.equal((await b.rest('logoutAgentFromChannel', { channelId: '1003', agentUsername: 'alice' })).failReason, 'LOGOUT_ASTERISK_ERROR');
      await sim.control('faults', { asteriskDown: false });
      assert.equal((await b.rest('logoutAgentFromChannel', { channelId: '1003', agentUsername: 'alice' })).result, 'SUCCESS');
    } finally {
      await b.close();
      await sim.kill();
    }
  });
});

describe('Huawei adapter session upkeep', function () {
  this.timeout(30_000);
  it('follows the rotating Guid and its polling keeps the sign-in alive', async () => {
    const sim = await startSimulator('huawei');
    const b = await startVendorBridge(vendorBackend('huawei', sim));
    try {
      await eventually(async () => (await fetch(`${b.url}/readyz`)).status === 200, 10_000, 'ready');
      // A new Guid every 200 ms, and signed out after 1.5 s without a call: only the poll loop calls.
      await sim.control('faults', { rotateMs: 200, keepAliveMs: 1500 });
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal((await fetch(`${b.url}/readyz`)).status, 200);
      await sim.control('agents/201/login', { ready: true });
      assert.equal((await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: 'rot-1' })).result, 'SUCCESS');
      assert.equal((await b.rest('sessionAccept', { sessionId: 'rot-1' })).result, 'SUCCESS');
      await eventually(async () => (await b.rest('checkSessionState', { sessionId: 'rot-1' })).status === 'BOOKED', 5000, 'BOOKED through the rotated Guid');
    } finally {
      await b.close();
      await sim.kill();
    }
  });
});
