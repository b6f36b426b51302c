import assert from 'node:assert/strict';
import pg from 'pg';
import type { EmbeddedEngine } from '../src/backends/embedded/index.js';
import { PostgresStore } from '../src/store/index.js';
import { freshDatabase, openEngine } from './support/engine.js';
import { mcc, mccPut, spawnBridge, writeConfig, type BridgeProcess } from './support/process.js';
import { XucClient, guidOf } from './support/agent-faces.js';

/**
 * Two bridge processes on one PostgreSQL behave as one contact center. The agents are driven by a
 * third participant, an engine in this process on the same database (until the agent faces
 * exist), which is a cluster member like any other. Each test has a database of its own.
 */
const AGENTS = ['a1', 'a2', 'a3', 'a4', 'a5'];

interface Cluster {
  a: BridgeProcess;
  b: BridgeProcess;
  agents: EmbeddedEngine;
  db: pg.Client;
  close(): Promise<void>;
}

async function cluster(offerTimeoutSeconds: number): Promise<Cluster> {
  const url = await freshDatabase();
  const embedded = {
    offerTimeoutSeconds,
    channels: [{ id: 1003, license: 1_000_000, services: [{ code: 'CHAT' }] }],
    agents: AGENTS.map((username) => ({ username, skills: ['CHAT'], capacity: 1 })),
  };
  const config = writeConfig({ store: { kind: 'postgres', url }, embedded });
  const [a, b] = await Promise.all([spawnBridge(config), spawnBridge(config)]);
  const agents = await openEngine(embedded, { store: new PostgresStore(url) });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  return {
    a,
    b,
    agents,
    db,
    async close() {
      await Promise.all([a.kill(), b.kill()]);
      await agents.close();
      await db.end();
    },
  };
}

const start = (on: BridgeProcess, params: Record<string, string> = {}) => mcc(on.url, 'startSession', { channelId: '1003', serviceid: 'CHAT', ...params });

describe('two bridge processes on one PostgreSQL', function () {
  this.timeout(60_000);
  let c: Cluster;
  afterEach(() => c?.close());

  it('a session started on A is accepted, updated and closed on B, and A sees each step at once', async () => {
    c = await cluster(30);
    const { a, b } = c;
    const id = (await start(a))?.sessionId as string;
    assert.equal((await mcc(b.url, 'checkSession', { sessionId: id }))?.status, 'NEW');
    assert.equal((await mcc(b.url, 'sessionAccept', { sessionId: id }))?.status, 'QUEUED');
    assert.equal((await mcc(a.url, 'checkSession', { sessionId: id }))?.status, 'QUEUED');
    assert.equal((await mccPut(b.url, { sessionId: id, sessionData: 'from B' }))?.result, 'SUCCESS');
    assert.equal((await mcc(a.url, 'checkSessionWithData', { sessionId: id }))?.sessionData, 'from B');
    assert.equal((await mcc(b.url, 'closeSession', { sessionId: id }))?.result, 'SUCCESS');
    assert.equal((await mcc(a.url, 'checkSession', { sessionId: id }))?.status, 'CLOSED');
  });

  it('the same client session id sent to both at once succeeds exactly once', async () => {
    c = await cluster(30);
    for (let i = 0; i < 25; i++) {
      const id = `twice-${i}`;
      const answers = await Promise.all([start(c.a, { sessionId: id }), start(c.b, { sessionId: id })]);
      assert.deepEqual(answers.map((r) => String(r?.failReason ?? r?.result)).sort(), ['DUPLICATED_SESSION_ID', 'SUCCESS'], id);
    }
  });

  it('with agents of capacity 1 and many concurrent sessions, no agent ever holds two', async () => {
    c = await cluster(30);
    const { a, b, agents, db } = c;
    for (const u of AGENTS) {
      assert.ok((await agents.agentLogin(u, [1003])).ok);
      assert.ok((await agents.agentReady(u)).ok);
    }
    const overbooked = async () =>
      (await db.query(`SELECT agent, COUNT(*) AS n FROM sessions WHERE status IN ('BOOKED', 'ASSIGNED') GROUP BY agent HAVING COUNT(*) > 1`)).rows;
    // 60 sessions started and queued through both processes at once, while some close through
    // both, so routing runs concurrently on A and B; checked after every step.
    const ids = await Promise.all(Array.from({ length: 60 }, async (_, i) => (await start(i % 2 ? a : b))?.sessionId as string));
    let violations: unknown[] = [];
    await Promise.all(
      ids.map(async (id, i) => {
        await mcc(i % 2 ? b.url : a.url, 'sessionAccept', { sessionId: id });
        violations = violations.concat(await overbooked());
        if (i % 3 === 0) await mcc(i % 2 ? a.url : b.url, 'closeSession', { sessionId: id });
        violations = violations.concat(await overbooked());
      }),
    );
    assert.deepEqual(violations, []);
    const held = (await db.query(`SELECT agent FROM sessions WHERE status IN ('BOOKED', 'ASSIGNED')`)).rows.map((r) => String(r.agent)).sort();
    assert.deepEqual(held, AGENTS, 'with 40 sessions waiting, every agent holds exactly one');
    const loads = (await db.query('SELECT load FROM agent_channels ORDER BY username')).rows.map((r) => Number(r.load));
    assert.deepEqual(loads, [1, 1, 1, 1, 1], 'agent loads agree with the sessions they hold');
    const queued = Number((await db.query(`SELECT COUNT(*) AS n FROM sessions WHERE status = 'QUEUED'`)).rows[0].n);
    assert.equal(queued, 60 - 20 - 5, 'the rest wait in the queue');
    // The offers were made by A and B; their events are there for any process to deliver.
    for (const u of AGENTS) {
      const events = await agents.agentEvents(u);
      assert.ok(events.ok);
      const offered = events.value.filter((ev) => ev.kind === 'OFFERED').map((ev) => ev.sessionId);
      const held = (await db.query(`SELECT id FROM sessions WHERE agent = $1 AND status = 'BOOKED'`, [u])).rows[0]?.id;
      assert.ok(offered.includes(held), `${u}'s OFFERED events include the session it holds`);
    }
  });

  it('an offer made by a process that dies is timed out by another', async () => {
    c = await cluster(0.3);
    const { a, b, agents, db } = c;
    assert.ok((await agents.agentLogin('a1', [1003])).ok);
    assert.ok((await agents.agentReady('a1')).ok);
    const id = (await start(a))?.sessionId as string;
    assert.equal((await mcc(a.url, 'sessionAccept', { sessionId: id }))?.status, 'BOOKED');
    await a.kill('SIGKILL');
    await agents.close(); // B alone is left to fire the offer's timeout
    await new Promise((r) => setTimeout(r, 1500));
    const r = await mcc(b.url, 'checkSession', { sessionId: id });
    assert.deepEqual([r?.status, r?.username], ['QUEUED', undefined]);
    const a1 = (await db.query(`SELECT ready, load FROM agent_channels WHERE username = 'a1'`)).rows[0];
    assert.deepEqual([Number(a1.ready), Number(a1.load)], [0, 0], 'the agent who let it ring is not ready');
  });
});

describe('agent faces across two bridge processes on one PostgreSQL', function () {
  this.timeout(60_000);

  it('a Huawei Guid from A works on B, B polls what A offers, and a XUC client on B sees a logout through A', async () => {
    const url = await freshDatabase();
    const embedded = {
      channels: [{ id: 1003, license: 1000, services: [{ code: 'CHAT' }] }],
      agents: [{ username: 'alice', password: 'alice-pw', agentId: 201, line: '1001', skills: ['CHAT'], capacity: 1 }],
    };
    const config = writeConfig({ store: { kind: 'postgres', url }, embedded, faces: { huawei: { pollWaitSeconds: 0.2 } } });
    const [a, b] = await Promise.all([spawnBridge(config), spawnBridge(config)]);
    try {
      const signIn = await fetch(`${a.url}/agentgateway/resource/onlineagent/201/loginex`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: 'alice-pw', autoanswer: false }),
      });
      const guid = guidOf(signIn);
      assert.equal((await signIn.json()).retcode, '0');
      const poll = async (on: BridgeProcess) => await (await fetch(`${on.url}/agentgateway/resource/agentevent/201`, { headers: { Guid: guid } })).json();
      assert.equal((await poll(b)).event.eventType, 'AgentOther_InService');
      assert.equal((await poll(a)).event.eventType, 'AgentState_Ready', 'one cursor, wherever the poll lands');
      const id = (await start(a))?.sessionId as string;
      await mcc(a.url, 'sessionAccept', { sessionId: id });
      const ringing = await poll(b);
      assert.equal(ringing.event.eventType, 'AgentEvent_Ringing');
      assert.equal(ringing.event.content.callid, id);

      const login = await fetch(`${b.url}/xuc/api/2.0/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'alice', password: 'alice-pw' }),
      });
      const xuc = await XucClient.connect(b.url, (await login.json()).token);
      try {
        await xuc.next('LoggedOn');
        xuc.send('getAgentStates');
        await xuc.next('AgentStateEvent', (m) => m.name === 'AgentRinging');
        assert.equal((await mcc(a.url, 'logoutAgentFromChannel', { channelId: '1003', agentUsername: 'alice' }))?.result, 'SUCCESS');
        await xuc.next('AgentStateEvent', (m) => m.name === 'AgentLoggedOut');
      } finally {
        xuc.close();
      }
    } finally {
      await Promise.all([a.kill(), b.kill()]);
    }
  });
});
