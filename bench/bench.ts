/**
 * mcc-bridge benchmark: the bridge's REST checkSession and SOAP checkSessionState against anchors
 * run in the same session on the same machine (bare node:http, Koa, a node-soap server), reported
 * as ratios so the numbers mean something on any machine.
 *
 *   npm run bench -- [--duration 10] [--connections 50] [--adapters-only]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DEFAULT_TARGET_NAMESPACE } from '../src/contract/index.js';
import { startThrowawayPostgres, stopThrowawayPostgres } from '../test/support/postgres.js';
import { startSimulator, vendorBackend, vendorInteraction } from '../test/support/simulator.js';
import { SESSION_ID } from './fixture.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    'adapters-only': { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);

const soapEnvelope =
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:mcc="${DEFAULT_TARGET_NAMESPACE}">` +
  `<soapenv:Body><mcc:checkSessionState><sessionId>${SESSION_ID}</sessionId></mcc:checkSessionState></soapenv:Body></soapenv:Envelope>`;

interface Target {
  name: string;
  server: 'http' | 'koa' | 'node-soap' | 'bridge' | 'bridge-postgres';
  request: (base: string) => { url: string; method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string };
  /** What a correct answer contains: the bench never measures error pages. */
  expect: RegExp;
}

const checkSession = (base: string) => ({ url: `${base}/mc/cxf/rest/json/checkSession?sessionId=${SESSION_ID}`, method: 'GET' as const });
const soapCheck = (base: string) => ({
  url: `${base}/mc/cxf/soap`,
  method: 'POST' as const,
  headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
  body: soapEnvelope,
});
// Each call creates a session (generated id) and is answered only once it is committed.
const startSession = (base: string) => ({ url: `${base}/mc/cxf/rest/json/startSession?channelId=1003&serviceid=CHAT`, method: 'GET' as const });

const postgresUrl = process.env.MCC_BENCH_DATABASE_URL ?? startThrowawayPostgres();
if (postgresUrl) process.env.MCC_BENCH_DATABASE_URL = postgresUrl;

const targets: Target[] = [
  { name: 'node:http (anchor)', server: 'http', request: checkSession, expect: /"status":"QUEUED"/ },
  { name: 'Koa (anchor)', server: 'koa', request: checkSession, expect: /"status":"QUEUED"/ },
  { name: 'node-soap (anchor)', server: 'node-soap', request: soapCheck, expect: /<result>SUCCESS<\/result>[\s\S]*QUEUED/ },
  { name: 'bridge REST checkSession', server: 'bridge', request: checkSession, expect: /"status":"QUEUED"/ },
  { name: 'bridge SOAP checkSessionState', server: 'bridge', request: soapCheck, expect: /<result>SUCCESS<\/result>[\s\S]*<status>QUEUED<\/status>/ },
  { name: 'bridge startSession, SQLite', server: 'bridge', request: startSession, expect: /"result":"SUCCESS"/ },
  ...(postgresUrl
    ? [{ name: 'bridge startSession, PostgreSQL', server: 'bridge-postgres', request: startSession, expect: /"result":"SUCCESS"/ } as Target]
    : []),
];

const children = new Set<ChildProcess>();
const killAll = () => {
  children.forEach((c) => c.kill('SIGKILL'));
  stopThrowawayPostgres();
};
process.on('exit', killAll);
process.on('SIGINT', () => process.exit(130));

function startServer(
  kind: Target['server'] | 'bridge-100k' | 'bridge-vendor',
  timeoutSeconds = 20,
  env: Record<string, string> = {},
  execArgv: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(join(here, 'servers.js'), [kind], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, ...env }, execArgv });
  children.add(child);
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${kind} did not start in ${timeoutSeconds} s`)), timeoutSeconds * 1000);
    child.once('message', (m: { url: string }) => {
      clearTimeout(timer);
      ok({ child, url: m.url });
    });
    child.once('exit', (code) => fail(new Error(`${kind} exited with ${code} before it was ready`)));
  });
}

async function check(t: Target, base: string) {
  const r = t.request(base);
  const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
  const text = await res.text();
  if (res.status !== 200 || !t.expect.test(text)) throw new Error(`${t.name} answered ${res.status}: ${text.slice(0, 300)}`);
}

async function measure(t: Target, base: string, seconds: number) {
  const result = await autocannon({ ...t.request(base), connections, duration: seconds, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${t.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function main() {
  if (values['adapters-only']) {
    await adapterOverhead();
    return killAll();
  }
  console.log(`mcc-bridge bench: ${duration} s per target, ${connections} connections, load generator and server share this machine's cores`);
  const results: Record<string, { rps: number; p50: number; p99: number }> = {};
  const running = new Map<string, { child: ChildProcess; url: string }>();
  for (const t of targets) {
    let server = running.get(t.server);
    if (!server) {
      for (const [, s] of running) s.child.kill('SIGKILL');
      running.clear();
      server = await startServer(t.server);
      running.set(t.server, server);
    }
    await check(t, server.url);
    await measure(t, server.url, Math.min(2, duration)); // warm-up, discarded
    results[t.name] = await measure(t, server.url, duration);
    const r = results[t.name]!;
    console.log(`${t.name.padEnd(32)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms`);
  }
  killAll();

  // Memory: a bridge holding 100k live sessions (half of them queued), after serving for a while.
  console.log('');
  console.log('putting 100k live sessions into a fresh bridge (SQLite) …');
  const big = await startServer('bridge-100k', 300, {}, ['--expose-gc']);
  const live = {
    name: 'bridge with 100k sessions',
    server: 'bridge' as const,
    request: (base: string) => ({ url: `${base}/mc/cxf/rest/json/checkSession?sessionId=live-50000`, method: 'GET' as const }),
    expect: /"status":"QUEUED"/,
  };
  await check(live, big.url);
  await measure(live, big.url, Math.min(5, duration));
  const { rss, rssAfterGc } = await new Promise<{ rss: number; rssAfterGc: number }>((ok) => {
    big.child.once('message', (m: { rss: number; rssAfterGc: number }) => ok(m));
    big.child.send('rss');
  });
  // RSS swings by ±15 MiB with when V8 last collected; after a full collection it is what is retained.
  const rssMiB = rssAfterGc / 1048576;
  console.log(
    `RSS with 100k live sessions      ${rssMiB.toFixed(0).padStart(8)} MiB   ${rssMiB < 150 ? 'PASS' : 'ABOVE'} (target < 150 MiB; ${(rss / 1048576).toFixed(0)} MiB before the collection)`,
  );
  killAll();

  const overhead = await adapterOverhead();

  const rps = (name: string) => results[name]?.rps ?? NaN;
  const ratios = [
    { name: 'bridge REST / node:http', value: rps('bridge REST checkSession') / rps('node:http (anchor)'), target: 0.33 },
    { name: 'bridge SOAP / node-soap', value: rps('bridge SOAP checkSessionState') / rps('node-soap (anchor)'), target: 1.6 },
    { name: 'startSession SQLite / node:http', value: rps('bridge startSession, SQLite') / rps('node:http (anchor)'), target: 0.15 },
    { name: 'startSession PG / node:http', value: rps('bridge startSession, PostgreSQL') / rps('node:http (anchor)'), target: undefined },
    { name: 'Koa / node:http (context)', value: rps('Koa (anchor)') / rps('node:http (anchor)'), target: undefined },
  ];
  console.log('');
  for (const r of ratios) {
    if (Number.isNaN(r.value)) continue;
    const verdict = r.target === undefined ? '' : r.value >= r.target ? `PASS (target ≥ ${r.target})` : `BELOW (target ≥ ${r.target})`;
    console.log(`${r.name.padEnd(32)} ${r.value.toFixed(2).padStart(6)}×   ${verdict}`);
  }
  const out = resolve(here, '..', '..', '.bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), JSON.stringify({ at: new Date().toISOString(), duration, connections, results, ratios, rssMiB, overhead }, null, 2));
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
async function adapterOverhead(): Promise<Record<string, { bridge: number; simulator: number; added: number }>> {
  const out: Record<string, { bridge: number; simulator: number; added: number }> = {};
  const n = Math.max(500, duration * 200);
  console.log('');
  for (const kind of ['genesys', 'huawei', 'xivo'] as const) {
    const sim = await startSimulator(kind);
    const bridge = await startServer('bridge-vendor', 20, { MCC_BENCH_BACKEND: JSON.stringify(vendorBackend(kind, sim, { resyncSeconds: 3600 })) });
    try {
      const vendorId = (await vendorInteraction(sim, SESSION_ID)).id as string;
      const simRead = await simulatorRead(kind, sim.url, vendorId);
      const simulator = await p50(simRead, n);
      const viaBridge = await p50(() => fetch(`${bridge.url}/mc/cxf/rest/json/checkSession?sessionId=${SESSION_ID}`), n);
      out[kind] = { bridge: viaBridge, simulator, added: viaBridge - simulator };
      const verdict = viaBridge - simulator <= 0.3 ? 'PASS' : 'ABOVE';
      console.log(
        `${`checkSession via ${kind}`.padEnd(32)} p50 ${viaBridge.toFixed(3)} ms, simulator alone ${simulator.toFixed(3)} ms: added ${(viaBridge - simulator).toFixed(3)} ms   ${verdict} (target ≤ 0.3 ms)`,
      );
    } finally {
      bridge.child.kill('SIGKILL');
      await sim.kill();
    }
  }
  return out;
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
