import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import soap from 'soap';
import { EmbeddedEngine, type EngineOptions } from '../../src/backends/embedded/index.js';
import { embeddedCenter } from '../../src/backends/contact-center.js';
import { SqliteStore } from '../../src/store/index.js';
import { parseConfig, type Config } from '../../src/config/index.js';
import { operations, type OperationName } from '../../src/contract/index.js';
import { createLogger } from '../../src/log/logger.js';
import { startBridge, type RunningBridge } from '../../src/server.js';

/**
 * A real bridge on an ephemeral port, with its embedded engine at hand so tests can play the
 * agents (until the agent faces exist) and the operator (enable/disable services). Logs go to a
 * file in a temp dir that tests may read.
 */
export interface TestBridge extends RunningBridge {
  engine: EmbeddedEngine;
  logFile: string;
  rest<Op extends OperationName>(op: Op, params?: Record<string, string | string[] | undefined>): Promise<Record<string, any>>;
  soapClient(): Promise<soap.Client>;
  soap<Op extends OperationName>(op: Op, args?: Record<string, unknown>): Promise<Record<string, any>>;
  logLines(): Array<Record<string, any>>;
}

export const TEST_EMBEDDED = {
  timeZone: 'Europe/Rome',
  offerTimeoutSeconds: 30,
  channels: [
    {
      id: 1003,
      license: 100,
      services: [
        { code: 'CHAT' },
        { code: 'SALES' },
        { code: 'DISABLED', enabled: false },
        { code: 'OOS', outOfService: true },
        { code: 'NIGHT', hours: {}, closedMessage: 'We are closed tonight.' },
      ],
    },
    { id: 1, license: 1, services: [{ code: 'T1' }] },
    { id: 2, enabled: false, license: 5, services: [{ code: 'X' }] },
  ],
  agents: [
    { username: 'alice', displayName: 'Alice Martin', skills: ['CHAT', 'T1', 'NIGHT'], capacity: 1 },
    { username: 'bob', displayName: 'Bob Rossi', skills: ['CHAT'], capacity: 2, autoAnswer: true },
    { username: 'carol', displayName: 'Carol White', profiles: ['supervisor'] },
    { username: 'dave', skills: ['SALES'], capacity: 1 },
  ],
};

/**
 * node-soap keeps every WSDL it fetched by URL for the life of the process: a later bridge on a
 * reused port, with another namespace or address, would get an earlier bridge's WSDL.
 */
export const FRESH_WSDL = { disableCache: true } as const;

/** The MCC over REST (fetch) and over SOAP (a node-soap client built from the served WSDL), answered in REST/JSON shape. */
export function mccCallers(url: string): Pick<TestBridge, 'rest' | 'soap' | 'soapClient'> {
  let client: soap.Client | undefined;
  const soapClient = async () => (client ??= await soap.createClientAsync(`${url}/mc/cxf/soap?wsdl`, FRESH_WSDL));
  return {
    async rest(op, params = {}) {
      const { method, path } = operations[op].rest;
      const target = new URL(`${url}/mc/cxf/rest/json${path}`);
      if (method === 'PUT') {
        const res = await fetch(target, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
        return { httpStatus: res.status, ...((await res.json()) as object) };
      }
      for (const [k, v] of Object.entries(params)) {
        if (v === undefined) continue;
        for (const item of Array.isArray(v) ? v : [v]) target.searchParams.append(k, item);
      }
      const res = await fetch(target);
      return { httpStatus: res.status, ...((await res.json()) as object) };
    },
    soapClient,
    async soap(op, args = {}) {
      const [out] = await ((await soapClient()) as any)[`${operations[op].soap}Async`](args);
      return normalizeSoapResult(out?.return ?? {});
    },
  };
}

/** `engine` options: a simulated clock (`now`) for what happens over hours. */
export async function startTestBridge(overrides: Record<string, unknown> = {}, engineOptions: EngineOptions = {}): Promise<TestBridge> {
  const dir = mkdtempSync(join(tmpdir(), 'mcc-test-'));
  const logFile = join(dir, 'bridge.log');
  const config: Config = parseConfig({ server: { port: 0, host: '127.0.0.1' }, embedded: TEST_EMBEDDED, ...overrides }, 'test');
  // Only the file, which tests read: stdout would drown the mocha report.
  const logger = createLogger({ level: 'info', file: logFile, stdout: false });
  const engine = new EmbeddedEngine(config.embedded, new SqliteStore(join(dir, 'bridge.sqlite')), engineOptions);
  await engine.start();
  const running = await startBridge(config, { logger, center: embeddedCenter(engine) });
  const bridge: TestBridge = {
    ...running,
    ...mccCallers(running.url),
    engine,
    logFile,
    logLines() {
      try {
        return readFileSync(logFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l));
      } catch {
        return [];
      }
    },
  };
  return bridge;
}

/** node-soap gives the JAXB map as {entry: [...]} and ints as numbers; make it look like the JSON face's result. */
export function normalizeSoapResult(ret: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...ret };
  if (ret.state) {
    const entries = Array.isArray(ret.state.entry) ? ret.state.entry : ret.state.entry ? [ret.state.entry] : [];
    out.state = Object.fromEntries(entries.map((e: { key: string; value: string }) => [e.key, e.value]));
  }
  if (ret.channelId !== undefined) out.channelId = Number(ret.channelId);
  return out;
}

/** POST a hand-written SOAP body (for what generated clients cannot send). */
export async function postSoap(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/mc/cxf/soap`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', ...headers }, body });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

export const envelope = (inner: string, ns = 'http://ws.mcc.tvox.teleniasoft.com/') =>
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:mcc="${ns}"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;
