/**
 * mcc-bridge soak: mixed SOAP and REST integrator load with agents working, for a long time, in one
 * bridge process; reports throughput, p99 and the bridge's RSS per minute, and the RSS growth from
 * the first minute to the end (target < 10%).
 *
 *   node dist/bench/soak.js [--minutes 10] [--workers 16] [--agents 20]
 *
 * Each integrator worker loops: REST startSession → SOAP sessionAccept → REST checkSession →
 * REST setSessionData → SOAP checkSessionStateWithData → REST closeSession. The agents sign in
 * through the Huawei face with auto-answer and keep polling their events, so sessions are routed,
 * offered, assigned and released all along.
 */
import { fork } from 'node:child_process';
import { V8_FLAGS } from '../src/cli/v8-flags.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_TARGET_NAMESPACE } from '../src/contract/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, workers: { type: 'string', default: '16' }, agents: { type: 'string', default: '20' } },
});
const minutes = Number(values.minutes);
const workers = Number(values.workers);
const agents = Number(values.agents);

const soapBody = (op: string, inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:mcc="${DEFAULT_TARGET_NAMESPACE}"><soapenv:Body><mcc:${op}>${inner}</mcc:${op}></soapenv:Body></soapenv:Envelope>`;

interface Window {
  ops: number;
  errors: number;
  latencies: number[];
}

async function main() {
  const child = fork(join(here, 'servers.js'), ['bridge-soak'], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, SOAK_AGENTS: String(agents) },
    execArgv: [...V8_FLAGS], // as the bridge ships
  });
  const url = await new Promise<string>((ok) => child.once('message', (m: { url: string }) => ok(m.url)));
  const rss = () =>
    new Promise<number>((ok) => {
      child.once('message', (m: { rss: number }) => ok(m.rss / 1048576));
      child.send('rss');
    });
  const gw = `${url}/agentgateway/resource`;
  let running = true;
  let window: Window = { ops: 0, errors: 0, latencies: [] };

  const timed = async (fn: () => Promise<Response>, expect: RegExp) => {
    const t = process.hrtime.bigint();
    try {
      const res = await fn();
      const text = await res.text();
      if (!expect.test(text)) window.errors++;
    } catch {
      window.errors++;
    }
    window.latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    window.ops++;
  };
  const rest = (path: string) => () => fetch(`${url}/mc/cxf/rest/json/${path}`);
  const soap = (op: string, inner: string) => () =>
    fetch(`${url}/mc/cxf/soap`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' }, body: soapBody(op, inner) });

  // Agents: sign in with auto-answer, then poll for ever (the poll is also their keep-alive).
  const agentLoops = Array.from({ length: agents }, async (_, i) => {
    const r = await fetch(`${gw}/onlineagent/${1000 + i}/loginex`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: `pw${i}`, autoanswer: true }),
    });
    let guid = (r.headers.get('set-guid') ?? '').replace(/^JSESSIONID=/, '');
    while (running) {
      const p = await fetch(`${gw}/agentevent/${1000 + i}`, { headers: { Guid: guid } }).catch(() => undefined);
      const next = p?.headers.get('set-guid');
      if (next) guid = next.replace(/^JSESSIONID=/, '');
      await p?.arrayBuffer();
    }
  });

  // Integrators.
  let n = 0;
  const integratorLoops = Array.from({ length: workers }, async () => {
    while (running) {
      const id = `soak-${process.pid}-${n++}`;
      await timed(rest(`startSession?channelId=1003&serviceid=CHAT&sessionId=${id}`), /"result":"SUCCESS"/);
      await timed(soap('sessionAccept', `<sessionId>${id}</sessionId>`), /<result>SUCCESS<\/result>/);
      await timed(rest(`checkSession?sessionId=${id}`), /"result":"SUCCESS"/);
      await timed(
        () =>
          fetch(`${url}/mc/cxf/rest/json/setSessionData`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ sessionId: id, sessionData: `data ${n}` }),
          }),
        /"result":"SUCCESS"/,
      );
      await timed(soap('checkSessionStateWithData', `<sessionId>${id}</sessionId>`), /<status>(ASSIGNED|BOOKED|QUEUED)<\/status>/);
      await timed(rest(`closeSession?sessionId=${id}&reason=REQUEST_FROM_CALLER`), /"result":"SUCCESS"/);
    }
  });

  console.log(`soak: ${minutes} min, ${workers} integrators, ${agents} agents (Huawei face, auto-answer), bridge at ${url}`);
  console.log('minute    ops/s    p99 ms   errors   RSS MiB');
  const rows: Array<{ minute: number; opsPerSecond: number; p99: number; errors: number; rssMiB: number }> = [];
  for (let m = 1; m <= minutes; m++) {
    await new Promise((r) => setTimeout(r, 60_000));
    const w = window;
    window = { ops: 0, errors: 0, latencies: [] };
    w.latencies.sort((a, b) => a - b);
    const row = { minute: m, opsPerSecond: w.ops / 60, p99: w.latencies[Math.floor(w.latencies.length * 0.99)] ?? 0, errors: w.errors, rssMiB: await rss() };
    rows.push(row);
    console.log(
      `${String(m).padStart(6)} ${row.opsPerSecond.toFixed(0).padStart(8)} ${row.p99.toFixed(1).padStart(9)} ${String(row.errors).padStart(8)} ${row.rssMiB.toFixed(0).padStart(9)}`,
    );
  }
  running = false;
  await Promise.race([Promise.all([...integratorLoops, ...agentLoops]), new Promise((r) => setTimeout(r, 5000))]);
  child.kill('SIGKILL');
  const first = rows[0]?.rssMiB ?? NaN;
  const last = rows[rows.length - 1]?.rssMiB ?? NaN;
  const growth = (last - first) / first;
  console.log(
    `RSS ${first.toFixed(0)} MiB after the first minute, ${last.toFixed(0)} MiB at the end: ${(growth * 100).toFixed(1)}% ${growth < 0.1 ? 'PASS' : 'ABOVE'} (target < 10%)`,
  );
  const out = resolve(here, '..', '..', '.bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'soak.json'), JSON.stringify({ at: new Date().toISOString(), minutes, workers, agents, rows, rssGrowth: growth }, null, 2));
}

main().catch((e) => {
  console.error(`soak failed: ${(e as Error).message}`);
  process.exitCode = 1;
});
