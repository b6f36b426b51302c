/**
 * mcc-bridge benchmark: every target of issue 14 in one run. The bridge's REST checkSession and SOAP
 * checkSessionState against anchors run in the same session on the same machine (bare node:http,
 * Koa, a node-soap server and a JAX-WS RI server, both from the bridge's WSDL); checks, state reads
 * and routing with a deep queue against a shallow one; durable startSession on SQLite and
 * PostgreSQL, and two bridges on one PostgreSQL; p99 and memory bounds. Reported as ratios, so the
 * numbers mean something on any machine, each with PASS or BELOW.
 *
 *   npm run bench -- [--duration 10] [--connections 50] [--only <regex>] [--markdown] [--depth 50000] [--adapters-only]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startThrowawayPostgres } from '../test/support/postgres.js';
import { startSimulator, vendorBackend, vendorInteraction } from '../test/support/simulator.js';
import { adopt, killAll, receivedBy, rssOf, startServer, stop, type Server } from './children.js';
import { SESSION_ID } from './fixture.js';
import { buildJaxws, startJaxws } from './jaxws.js';
import { assertAccessLogged, cannon, check, measure, type Measured, type Request } from './load.js';
import { pinning } from './pinning.js';
import { machine, markdown, measuredLine, passes, verdictLines, type Judgement, type Row } from './report.js';
import * as q from './requests.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
    markdown: { type: 'boolean', default: false },
    depth: { type: 'string', default: '50000' },
    'adapters-only': { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
/** Queue depth of the deep-queue targets (the issue's is 50,000; smaller only to try the bench out). */
const depth = Number(values.depth);
const only = values['adapters-only'] ? /^checkSession via / : values.only ? new RegExp(values.only) : undefined;
const selected = (name: string) => !only || only.test(name);
const cacheDir = resolve(here, '..', '..', '.bench');
const pin = pinning();

/**
 * The queue targets' agent holds more sessions than there are connections, so every close in
 * flight frees a session it holds; only a little more, as one routing pass offers up to 64 (the
 * engine's routing window) and sign-in must fill the agent.
 */
const capacity = connections + 10;
/** Routing cycles measured, and discarded before them as warm-up. */
const cycles = 500 * duration;
const warmCycles = Math.ceil(cycles / 5);
const N = depth.toLocaleString('en-US');

interface Target {
  name: string;
  /** A bridge target: its access log must show every answer (checked by `run`), its p99 is judged. */
  bridge: boolean;
  run: (servers: Server[]) => Promise<Measured>;
}
interface Group {
  /** Start the server(s) the group's targets run against. */
  start: () => Promise<Server[]>;
  /** Run in this order: some change the state the next ones see. */
  targets: Target[];
  /** A line printed after each target (what a subscriber has received so far). */
  report?: (servers: Server[]) => Promise<string>;
}

/** One autocannon run against one server: checked, warmed up, measured. */
const load = (name: string, bridge: boolean, request: (base: string) => Request, expect: RegExp, warmupSeconds = Math.min(2, duration)): Target => ({
  name,
  bridge,
  run: async ([s]) => {
    const r = request(s!.url);
    await check(name, r, expect);
    await measure(name, r, connections, warmupSeconds); // discarded
    const log = bridge ? s!.log! : undefined;
    const from = log ? await log.settled() : 0;
    const m = await measure(name, r, connections, duration);
    if (log) await assertAccessLogged(name, log, from, r, m.requests);
    return m;
  },
});
const anchor = (name: string, request: (base: string) => Request, expect: RegExp, warmupSeconds?: number) => load(name, false, request, expect, warmupSeconds);
const bridgeTarget = (name: string, request: (base: string) => Request, expect: RegExp) => load(name, true, request, expect);
const custom = (name: string, run: Target['run']): Target => ({ name, bridge: true, run });
const queueServer = (queued: number) => async () => {
  const t = Date.now();
  const s = await startServer('bridge-queue', pin, { timeoutSeconds: 900, env: { MCC_BENCH_QUEUED: String(queued), MCC_BENCH_CAPACITY: String(capacity) } });
  await q.signInRouter(s.url);
  // The agent took the first `capacity` sessions at once; q-<capacity> heads the queue.
  await check(`the agent at sign-in (given ${capacity} sessions; one routing pass offers up to 64)`, q.checkSession(`q-${capacity - 1}`)(s.url), q.ASSIGNED);
  await check('the queue after sign-in', q.checkSession(`q-${capacity}`)(s.url), q.at(1));
  console.log(
    `(a bridge with ${queued.toLocaleString('en-US')} sessions put in the queue, the first ${capacity} now the agent's: ready in ${((Date.now() - t) / 1000).toFixed(1)} s)`,
  );
  return [s];
};

let jaxwsSkip: string | undefined;
const onPostgres = ['bridge startSession, PostgreSQL', 'startSession, 2 bridges on one PostgreSQL'];
// Started after pinning, so a throwaway PostgreSQL shares the load generator's core (light for
// durable writes) and each bridge keeps its core to itself.
const ownPostgres = !process.env.MCC_BENCH_DATABASE_URL;
const postgresUrl = process.env.MCC_BENCH_DATABASE_URL ?? (onPostgres.some(selected) ? startThrowawayPostgres() : undefined);
if (postgresUrl) process.env.MCC_BENCH_DATABASE_URL = postgresUrl;
const postgresSkip =
  !postgresUrl && onPostgres.some(selected) ? 'PostgreSQL targets: skipped, no PostgreSQL to start (or set MCC_BENCH_DATABASE_URL)' : undefined;
/** Issue 14's yardstick for SOAP: Koa reading the envelope with fast-xml-parser and answering from a template. */
const YARDSTICK = 'Koa + fast-xml-parser SOAP route (yardstick)';
const one = (kind: string) => async () => [await startServer(kind, pin)];

const SUBSCRIBERS = ['a webhook subscriber', 'a slow webhook subscriber', 'a batching webhook subscriber'] as const;

/** The bridge's MCC targets, measured alone and again with webhook subscribers. */
const withSubscriber: Array<[string, (base: string) => Request, RegExp]> = [
  ['bridge REST checkSession', q.checkSession(), q.QUEUED],
  ['bridge SOAP checkSessionState', q.soapCheck, q.SOAP_QUEUED],
  ['bridge startSession, SQLite', q.startSession, q.SUCCESS],
];

const groups: Group[] = [
  { start: one('http'), targets: [anchor('node:http (anchor)', q.checkSession(), q.QUEUED)] },
  { start: one('koa'), targets: [anchor('Koa (anchor)', q.checkSession(), q.QUEUED)] },
  { start: one('node-soap'), targets: [anchor('node-soap (anchor)', q.soapCheck, q.SOAP_QUEUED)] },
  { start: one('koa-soap'), targets: [anchor(YARDSTICK, q.soapCheck, q.SOAP_QUEUED)] },
  {
    start: async () => {
      const build = await buildJaxws(join(here, '..', '..', 'bench', 'jaxws'), cacheDir);
      if ('skip' in build) {
        jaxwsSkip = build.skip;
        console.log(`JAX-WS RI (anchor): skipped, ${build.skip}`);
        return [];
      }
      const server = await startJaxws(build.classpath, pin.nextServerCore());
      adopt(server.child);
      return [server];
    },
    // The JIT needs a while before the JVM runs at its speed.
    targets: [anchor('JAX-WS RI (anchor)', q.soapCheck, q.SOAP_QUEUED, Math.max(5, duration))],
  },
  { start: one('bridge'), targets: withSubscriber.map(([name, request, expect]) => bridgeTarget(name, request, expect)) },
  // Issue 15: the MCC targets with a webhook subscriber for every change, a prompt one, a slow one
  // (each delivery answered after 2 s: the outbox grows, deliveries wait on it) and a prompt one
  // taking batches of 100 changes per POST, within 10%.
  ...SUBSCRIBERS.map((who) => ({
    start: async () => {
      // The receiver is the subscriber's machine, not the bridge's: it stays on the load generator's core.
      const receiver = await startServer('receiver', pin, {
        onServerCore: false,
        env: { MCC_BENCH_RECEIVER_DELAY_MS: who === 'a slow webhook subscriber' ? '2000' : '0' },
      });
      const batch = who === 'a batching webhook subscriber' ? '100' : '1';
      return [await startServer('bridge', pin, { env: { MCC_BENCH_WEBHOOK: receiver.url, MCC_BENCH_WEBHOOK_BATCH: batch } }), receiver];
    },
    targets: withSubscriber.map(([name, request, expect]) => bridgeTarget(`${name}, ${who}`, request, expect)),
    // A subscriber that falls behind costs the bridge less while it is measured: say how far it got.
    report: async ([, receiver]: Server[]) => {
      const { posts, changes } = await receivedBy(receiver!);
      return `(the subscriber has received ${changes.toLocaleString('en-US')} changes in ${posts.toLocaleString('en-US')} POSTs so far)`;
    },
  })),
  {
    start: queueServer(warmCycles + cycles + capacity + 1),
    // The routing run drains the queue: getServiceState then sees one session queued.
    targets: [custom('routing, shallow queue', ([s]) => routing(s!)), bridgeTarget('getServiceState, shallow queue', q.getServiceState, /"ACTIVE"/)],
  },
  {
    start: queueServer(warmCycles + cycles + capacity + depth),
    targets: [
      bridgeTarget('checkSession, queue position 1', q.checkSession(`q-${capacity}`), q.at(1)),
      bridgeTarget(`checkSession, queue position ${N}`, q.checkSession(`q-${capacity + depth - 1}`), q.at(depth)),
      custom(`routing, ${N} queued`, ([s]) => routing(s!)),
      // After the routing run: `depth` sessions queued (the shallow bridge's getServiceState saw one).
      bridgeTarget(`getServiceState, ${N} queued`, q.getServiceState, /"ACTIVE"/),
    ],
  },
  ...(postgresUrl
    ? [
        { start: one('bridge-postgres'), targets: [bridgeTarget('bridge startSession, PostgreSQL', q.startSession, q.SUCCESS)] },
        {
          // One after the other: each migrates the schema as it starts.
          start: async () => [await startServer('bridge-postgres', pin), await startServer('bridge-postgres', pin)],
          targets: [custom('startSession, 2 bridges on one PostgreSQL', (servers) => together(servers))],
        },
      ]
    : []),
];

const results: Record<string, Measured> = {};

/**
 * Routing: each REST closeSession of a session the agent holds frees one of its places, and the
 * engine assigns it the head of the queue (auto-answer) in the same transaction. Sessions are
 * closed in queue order, at most `connections` at once, all held by the agent (its capacity is
 * larger); cycles per second over a fixed number of cycles.
 */
async function routing(s: Server): Promise<Measured> {
  let next = 0;
  const run = (amount: number) =>
    cannon('routing', {
      url: s.url,
      connections,
      amount,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: q.closeSessionPath(`q-${next++}`) }) }],
    });
  await run(warmCycles);
  const log = s.log!;
  const from = await log.settled();
  const m = await run(cycles);
  await assertAccessLogged('routing', log, from, { url: `${s.url}${q.closeSessionPath('')}`, method: 'GET' }, m.requests);
  // Every close was routed: the first session not closed is the agent's now.
  await check('routing', q.checkSession(`q-${next}`)(s.url), q.ASSIGNED);
  return m;
}

/** Two bridge processes on one PostgreSQL, loaded at once, `connections` each: the sum. */
async function together(servers: Server[]): Promise<Measured> {
  const name = 'startSession, 2 bridges on one PostgreSQL';
  for (const s of servers) await check(name, q.startSession(s.url), q.SUCCESS);
  await Promise.all(servers.map((s) => measure(name, q.startSession(s.url), connections, Math.min(2, duration))));
  const from = await Promise.all(servers.map((s) => s.log!.settled()));
  const each = await Promise.all(servers.map((s) => measure(name, q.startSession(s.url), connections, duration)));
  for (const [i, s] of servers.entries()) await assertAccessLogged(name, s.log!, from[i]!, q.startSession(s.url), each[i]!.requests);
  const sum = (f: (m: Measured) => number) => each.reduce((a, m) => a + f(m), 0);
  return { rps: sum((m) => m.rps), requests: sum((m) => m.requests), p50: Math.max(...each.map((m) => m.p50)), p99: Math.max(...each.map((m) => m.p99)) };
}

/** What each measured row is judged by: issue 14's targets. */
function judge(): Row[] {
  const rps = (name: string) => results[name]?.rps;
  /** `name`'s rate over `to`'s, shown as "<ratio>× <short>". */
  const ratio = (name: string, to: string, short: string, target: number): Judgement[] => {
    const a = rps(name);
    const b = rps(to);
    return a === undefined || b === undefined ? [] : [{ label: `× ${short}`, value: a / b, unit: '×', op: '≥', target }];
  };
  /**
   * The MCC targets; with a subscriber (issue 15) each must still hold within 10%: the goals at
   * 90%, and the rate at 90% of the same target's without a subscriber (what push itself costs).
   */
  const mcc = (name: string, slack = 1): Judgement[] => {
    const at = (goal: number) => Math.round(goal * slack * 100) / 100;
    const of = name.replace(/, a (slow |batching )?webhook subscriber$/, '');
    const alone = of === name ? [] : ratio(name, of, 'alone', 0.9);
    if (of === 'bridge REST checkSession') return [...ratio(name, 'Koa (anchor)', 'Koa', at(0.6)), ...alone];
    if (of === 'bridge startSession, SQLite') return [...ratio(name, 'node:http (anchor)', 'node:http', at(0.3)), ...alone];
    return [...ratio(name, 'node-soap (anchor)', 'node-soap', at(1.6)), ...ratio(name, 'JAX-WS RI (anchor)', 'JAX-WS RI', at(1.3)), ...alone];
  };
  const targets: Record<string, Judgement[]> = {
    ...Object.fromEntries(withSubscriber.map(([name]) => [name, mcc(name)])),
    ...Object.fromEntries(withSubscriber.flatMap(([name]) => SUBSCRIBERS.map((who) => [`${name}, ${who}`, mcc(`${name}, ${who}`, 0.9)]))),
    [`checkSession, queue position ${N}`]: ratio(`checkSession, queue position ${N}`, 'checkSession, queue position 1', 'position 1', 0.8),
    [`getServiceState, ${N} queued`]: ratio(`getServiceState, ${N} queued`, 'getServiceState, shallow queue', 'shallow queue', 0.8),
    [`routing, ${N} queued`]: ratio(`routing, ${N} queued`, 'routing, shallow queue', 'shallow queue', 0.8),
    // Judged by the SOAP goal too: what the bare stack reaches says what the goal leaves the bridge.
    [YARDSTICK]: ratio(YARDSTICK, 'node-soap (anchor)', 'node-soap', 1.6),
    'bridge startSession, PostgreSQL': ratio('bridge startSession, PostgreSQL', 'node:http (anchor)', 'node:http', 0.06),
    'startSession, 2 bridges on one PostgreSQL': ratio('startSession, 2 bridges on one PostgreSQL', 'bridge startSession, PostgreSQL', 'one bridge', 1.5),
  };
  const bridgeRows = new Set(groups.flatMap((g) => g.targets.filter((t) => t.bridge).map((t) => t.name)));
  return Object.entries(results).map(([name, m]) => ({
    name,
    measured: m,
    judgements: [...(targets[name] ?? []), ...(bridgeRows.has(name) ? [{ label: 'p99', value: m.p99, unit: 'ms', op: '<', target: 10 } as Judgement] : [])],
  }));
}

async function main() {
  const placed = postgresUrl && ownPostgres && pin.pinned ? ', PostgreSQL with the load generator' : '';
  const header = `mcc-bridge bench: ${duration} s per target, ${connections} connections, ${pin.note}${placed}; ${machine()}`;
  console.log(header);
  if (postgresSkip) console.log(postgresSkip);
  for (const g of groups) {
    if (!g.targets.some((t) => selected(t.name))) continue;
    const servers = await g.start();
    if (servers.length === 0) continue;
    for (const t of g.targets.filter((t) => selected(t.name))) {
      results[t.name] = await t.run(servers);
      console.log(measuredLine(t.name, results[t.name]!));
      if (g.report) console.log(await g.report(servers));
    }
    servers.forEach(stop);
  }
  const rows = judge();
  const rss = selected('RSS with 100k live sessions') ? await memory() : undefined;
  if (rss) rows.push(rss.row);
  const overhead = await adapterOverhead();
  rows.push(...overhead.rows);

  console.log('');
  for (const line of verdictLines(rows)) console.log(line);
  if (jaxwsSkip) console.log(`(no JAX-WS RI ratio: ${jaxwsSkip})`);
  // Little's law: with every connection waiting on an answer, the mean latency is connections ÷
  // throughput, and a p99 is never below the mean. Said once, so a p99 verdict can be read.
  console.log(
    `(a p99 under 10 ms at ${connections} connections needs more than ${(connections * 100).toLocaleString('en-US')} req/s: the mean latency is connections ÷ req/s)`,
  );
  const judged = rows.flatMap((r) => r.judgements);
  const failed = judged.filter((j) => !passes(j)).length;
  console.log(judged.length === 0 ? 'no target judged' : failed === 0 ? `all ${judged.length} targets PASS` : `${failed} of ${judged.length} targets BELOW`);
  if (values.markdown) console.log(`\n${markdown(rows, `${header}${only ? `, only ${only.source}` : ''}`)}`);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(
    join(cacheDir, 'latest.json'),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: machine(),
        duration,
        connections,
        depth,
        pinning: pin.note,
        only: only?.source,
        results,
        rows: rows.map((r) => ({ ...r, judgements: r.judgements.map((j) => ({ ...j, pass: passes(j) })) })),
        rssMiB: rss?.rssMiB,
        overhead: overhead.values,
      },
      null,
      2,
    ),
  );
  killAll();
}

/** Memory: a bridge holding 100k live sessions (half of them queued), after serving for a while. */
async function memory(): Promise<{ row: Row; rssMiB: number }> {
  console.log('');
  console.log('putting 100k live sessions into a fresh bridge (SQLite) …');
  const t = Date.now();
  const big = await startServer('bridge-100k', pin, { timeoutSeconds: 900, execArgv: ['--expose-gc'] });
  console.log(`(ready in ${((Date.now() - t) / 1000).toFixed(1)} s)`);
  const live = q.checkSession('live-50000')(big.url);
  await check('bridge with 100k sessions', live, q.QUEUED);
  await measure('bridge with 100k sessions', live, connections, Math.min(5, duration));
  const { rss, rssAfterGc = rss } = await rssOf(big.child);
  stop(big);
  // Just after the load the RSS still holds its garbage and the young generation it filled; after a
  // full collection, once V8 has handed the freed pages back, it is what the sessions retain.
  const rssMiB = rssAfterGc / 1048576;
  console.log(`RSS with 100k live sessions: ${rssMiB.toFixed(0)} MiB at rest after a full collection (${(rss / 1048576).toFixed(0)} MiB just after the load)`);
  return {
    row: {
      name: 'RSS with 100k live sessions',
      note: `${rssMiB.toFixed(0)} MiB`,
      judgements: [{ label: 'RSS', value: rssMiB, unit: 'MiB', op: '<', target: 150 }],
    },
    rssMiB,
  };
}

/** p50 of one request sent one after another (latency, not throughput), in ms with µs resolution. */
async function p50(request: () => Promise<Response>, n: number): Promise<number> {
  for (let i = 0; i < 200; i++) await (await request()).arrayBuffer(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const res = await request();
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`answered ${res.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)] as number;
}

/**
 * Bridge overhead per adapter: checkSession through the bridge on each vendor adapter, against
 * the simulator answering a status read of the same interaction alone (XiVO has no such read: its
 * token check, the simulator's cheapest HTTP answer, stands in). One request at a time, so the
 * numbers are latencies, not queueing.
 */
async function adapterOverhead(): Promise<{ rows: Row[]; values: Record<string, { bridge: number; simulator: number; added: number }> }> {
  const values: Record<string, { bridge: number; simulator: number; added: number }> = {};
  const rows: Row[] = [];
  const n = Math.max(500, duration * 200);
  for (const kind of ['genesys', 'huawei', 'xivo'] as const) {
    const name = `checkSession via ${kind}`;
    if (!selected(name)) continue;
    const sim = await startSimulator(kind);
    const bridge = await startServer('bridge-vendor', pin, { env: { MCC_BENCH_BACKEND: JSON.stringify(vendorBackend(kind, sim, { resyncSeconds: 3600 })) } });
    try {
      const vendorId = (await vendorInteraction(sim, SESSION_ID)).id as string;
      const simRead = await simulatorRead(kind, sim.url, vendorId);
      const simulator = await p50(simRead, n);
      const viaBridge = await p50(() => fetch(`${bridge.url}/mc/cxf/rest/json/checkSession?sessionId=${SESSION_ID}`), n);
      values[kind] = { bridge: viaBridge, simulator, added: viaBridge - simulator };
      const note = `p50 ${viaBridge.toFixed(3)} ms, simulator alone ${simulator.toFixed(3)} ms`;
      console.log(`${name.padEnd(44)} ${note}`);
      rows.push({ name, note, judgements: [{ label: 'added p50', value: viaBridge - simulator, unit: 'ms', op: '≤', target: 0.3 }] });
    } finally {
      stop(bridge);
      await sim.kill();
    }
  }
  return { rows, values };
}

async function simulatorRead(kind: 'genesys' | 'huawei' | 'xivo', url: string, vendorId: string): Promise<() => Promise<Response>> {
  if (kind === 'genesys') {
    const auth = { Authorization: `Basic ${Buffer.from('bridge:bridge-pw').toString('base64')}` };
    return () => fetch(`${url}/api/v2/interactions/${vendorId}`, { headers: auth });
  }
  if (kind === 'huawei') {
    const r = await fetch(`${url}/agentgateway/resource/onlineagent/201/loginex`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'pw201' }),
    });
    const guid = (r.headers.get('set-guid') ?? '').replace(/^JSESSIONID=/, '');
    return () => fetch(`${url}/agentgateway/resource/calldata/201/callinfo/${vendorId}`, { headers: { Guid: guid } });
  }
  const login = (await (
    await fetch(`${url}/xuc/api/2.0/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'bridge', password: 'bridge-pw' }),
    })
  ).json()) as { token: string };
  return () => fetch(`${url}/xuc/api/2.0/auth/check`, { headers: { Authorization: `Bearer ${login.token}` } });
}

main().catch((e) => {
  console.error(`bench failed: ${(e as Error).message}`);
  process.exitCode = 1;
  killAll();
});
