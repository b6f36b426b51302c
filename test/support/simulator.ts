import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';
import { startBridge, type RunningBridge } from '../../src/server.js';
import type { SimSetup } from '../simulators/core.js';
import { mccCallers, type TestBridge } from './bridge.js';

export type VendorKind = 'genesys' | 'huawei' | 'xivo';
const simulators = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'simulators');

/** A vendor simulator as its own process, restartable on the same port (vendor down, vendor back). */
export interface Simulator {
  kind: VendorKind;
  url: string;
  port: number;
  control(path: string, body?: unknown): Promise<any>;
  kill(): Promise<void>;
  restart(): Promise<void>;
}

export const SIM_SETUP: SimSetup = {
  agents: [
    { id: '201', password: 'pw201', queues: ['CHAT_Q'], line: '1001' },
    { id: '202', password: 'pw202', queues: ['CHAT_Q'], line: '1002' },
  ],
  queues: [
    { name: 'CHAT_Q', id: 10, media: 'chat' },
    { name: 'SALES_Q', id: 11, media: 'chat' },
  ],
  services: [
    { id: 'bridge', password: 'bridge-pw' },
    { id: '59000', password: 'bridge-pw' },
  ],
};

function launch(kind: VendorKind, setupFile: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(simulators, `${kind}.js`), setupFile, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
      const m = /"listening":(\d+)/.exec(out);
      if (m) ok({ child, port: Number(m[1]) });
    });
    child.stderr?.on('data', (d: Buffer) => (out += d));
    child.once('exit', (code) => fail(new Error(`${kind} simulator exited (${code}): ${out}`)));
  });
}

export async function startSimulator(kind: VendorKind, setup: SimSetup = SIM_SETUP): Promise<Simulator> {
  const file = join(mkdtempSync(join(tmpdir(), 'mcc-sim-')), 'setup.json');
  writeFileSync(file, JSON.stringify(setup));
  let { child, port } = await launch(kind, file, 0);
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGKILL');
    });
  return {
    kind,
    url,
    port,
    async control(path, body = {}) {
      const res = await fetch(`${url}/_sim/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return res.json();
    },
    kill: stop,
    async restart() {
      await stop();
      ({ child } = await launch(kind, file, port));
    },
  };
}

/** The bridge mapping onto a simulator: channel 1003 with CHAT and SALES, alice = 201, bob = 202. */
export function vendorBackend(kind: VendorKind, sim: Simulator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const numeric = kind !== 'genesys';
  const account =
    kind === 'genesys'
      ? { username: 'bridge', password: 'bridge-pw' }
      : kind === 'huawei'
        ? { agentId: '59000', password: 'bridge-pw' }
        : { login: 'bridge', password: 'bridge-pw' };
  return {
    kind,
    url: sim.url,
    ...account,
    deadlineMs: 1500,
    resyncSeconds: 1,
    breaker: { failures: 3, resetSeconds: 0.5 },
    channels: [
      {
        id: 1003,
        media: 'chat',
        services: [
          { code: 'CHAT', queue: numeric ? '10' : 'CHAT_Q' },
          { code: 'SALES', queue: numeric ? '11' : 'SALES_Q' },
        ],
      },
    ],
    agents: [
      { username: 'alice', vendorId: '201' },
      { username: 'bob', vendorId: '202' },
    ],
    ...extra,
  };
}

/** A bridge (in this process) on a vendor backend, with REST and SOAP helpers. */
export type VendorBridge = RunningBridge & Pick<TestBridge, 'rest' | 'soap'>;

export async function startVendorBridge(backend: Record<string, unknown>): Promise<VendorBridge> {
  const dir = mkdtempSync(join(tmpdir(), 'mcc-vendor-'));
  const config = parseConfig({ server: { port: 0, host: '127.0.0.1' }, store: { kind: 'sqlite', dataDir: dir }, backend }, 'test');
  const logger = createLogger({ level: 'warn', file: join(dir, 'bridge.log'), stdout: false });
  const running = await startBridge(config, { logger });
  return { ...running, ...mccCallers(running.url) };
}

/** The simulator's interaction for an MCC session (the adapter sends mccSessionId with it). */
export async function vendorInteraction(sim: Simulator, sessionId: string): Promise<any> {
  const until = Date.now() + 5000;
  for (;;) {
    const found = ((await sim.control('interactions')) as any[]).find((i) => i.userData.mccSessionId === sessionId);
    if (found) return found;
    if (Date.now() > until) throw new Error(`no vendor interaction for session ${sessionId}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
