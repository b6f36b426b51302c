/**
 * Benchmark targets, one per child process so each gets the event loop to itself:
 *   node dist/bench/servers.js http | koa | koa-soap | node-soap | bridge | bridge-postgres | bridge-100k | bridge-queue | bridge-soak | bridge-vendor | receiver
 * Each listens on 127.0.0.1 (ephemeral port) and reports {url, sessionId?} to the parent by IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { XMLParser } from 'fast-xml-parser';
import Koa from 'koa';
import getRawBody from 'raw-body';
import soap from 'soap';
import { parseConfig } from '../src/config/index.js';
import { DEFAULT_TARGET_NAMESPACE } from '../src/contract/index.js';
import { renderWsdl } from '../src/faces/mcc/wsdl.js';
import { createLogger } from '../src/log/logger.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEngine } from '../src/backends/embedded/index.js';
import { embeddedCenter } from '../src/backends/contact-center.js';
import { openStore } from '../src/store/index.js';
import { startBridge } from '../src/server.js';
import { CHECK_RESULT, SESSION_ID } from './fixture.js';

const report = (url: string) => process.send?.({ url });
// The parent asks for this process's resident memory when it wants it.
// With --expose-gc it also says what is left after a full collection: what the process retains,
// without the garbage a collection would have taken anyway. V8 hands the freed pages back on its
// own threads after gc() returns (measured: 225 MiB when gc() returned, 155 MiB half a second
// later, then flat), so the retained figure is read once the RSS stops falling.
process.on('message', (m) => {
  if (m !== 'rss') return;
  const rss = process.memoryUsage().rss;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return void process.send?.({ rss });
  gc();
  void settledRss().then((rssAfterGc) => process.send?.({ rss, rssAfterGc }));
});

/** The RSS once two readings 250 ms apart differ by less than 1 MiB (at most 5 s). */
async function settledRss(): Promise<number> {
  let last = process.memoryUsage().rss;
  for (let waited = 0; waited < 5000; waited += 250) {
    await new Promise((ok) => setTimeout(ok, 250));
    const now = process.memoryUsage().rss;
    if (Math.abs(last - now) < 1048576) return now;
    last = now;
  }
  return last;
}
const listening = (server: ReturnType<typeof createServer>) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function main(kind: string) {
  switch (kind) {
    case 'http': {
      const body = JSON.stringify(CHECK_RESULT);
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      });
      server.listen(0, '127.0.0.1', () => report(listening(server)));
      return;
    }
    case 'koa': {
      const app = new Koa();
      const router = new Router();
      router.get('/mc/cxf/rest/json/checkSession', (ctx) => {
        ctx.body = CHECK_RESULT;
      });
      app.use(router.routes());
      const server = app.listen(0, '127.0.0.1', () => report(listening(server)));
      return;
    }
    case 'koa-soap': {
      // Issue 14's yardstick: a Koa route that reads the envelope with fast-xml-parser and answers
      // from a string template, and does nothing else (no log, no check, no store).
      const parser = new XMLParser({ removeNSPrefix: true });
      const app = new Koa();
      const router = new Router();
      router.post('/mc/cxf/soap', async (ctx) => {
        const doc = parser.parse((await getRawBody(ctx.req)).toString('utf8'));
        const { sessionId } = doc.Envelope.Body.checkSessionState;
        ctx.type = 'text/xml; charset=utf-8';
        ctx.body =
          `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
          `<ns2:checkSessionStateResponse xmlns:ns2="${DEFAULT_TARGET_NAMESPACE}"><return><result>${CHECK_RESULT.result}</result>` +
          `<sessionId>${sessionId}</sessionId><status>${CHECK_RESULT.status}</status><customMessage>${CHECK_RESULT.customMessage}</customMessage>` +
          `</return></ns2:checkSessionStateResponse></soap:Body></soap:Envelope>`;
      });
      app.use(router.routes());
      const server = app.listen(0, '127.0.0.1', () => report(listening(server)));
      return;
    }
    case 'node-soap': {
      const server = createServer();
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = listening(server);
      const wsdl = renderWsdl({ targetNamespace: DEFAULT_TARGET_NAMESPACE, address: `${url}/mc/cxf/soap` });
      const service = {
        MultiChannelConnectorService: {
          MultiChannelConnectorPort: {
            checkSessionState: () => ({ return: CHECK_RESULT }),
          },
        },
      };
      soap.listen(server, '/mc/cxf/soap', service, wsdl);
      report(url);
      return;
    }
    case 'bridge':
    case 'bridge-postgres': {
      const store =
        kind === 'bridge-postgres'
          ? { kind: 'postgres', url: process.env.MCC_BENCH_DATABASE_URL }
          : { kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'mcc-bench-')) };
      const config = parseConfig({
        server: { host: '127.0.0.1', port: 0 },
        logging: { level: (process.env.BENCH_LOG_LEVEL as 'info') ?? 'info' },
        store,
        embedded: { channels: [{ id: 1003, license: 100_000_000, services: [{ code: 'CHAT' }] }] },
        // MCC_BENCH_WEBHOOK: one subscriber for every change (the push targets).
        ...(process.env.MCC_BENCH_WEBHOOK
          ? {
              push: {
                webhooks: [
                  {
                    name: 'bench',
                    url: process.env.MCC_BENCH_WEBHOOK,
                    secret: 'bench-webhook-secret-0123',
                    batch: Number(process.env.MCC_BENCH_WEBHOOK_BATCH ?? 1),
                  },
                ],
              },
            }
          : {}),
      });
      // Logs are on (as in production) and go to this child's stdout: a file the parent counts access lines in.
      const bridge = await startBridge(config, { logger: createLogger(config.logging) });
      await fetch(`${bridge.url}/mc/cxf/rest/json/startSession?channelId=1003&serviceid=CHAT&sessionId=${SESSION_ID}`);
      await fetch(`${bridge.url}/mc/cxf/rest/json/sessionAccept?sessionId=${SESSION_ID}`);
      report(bridge.url);
      return;
    }
    case 'receiver': {
      // A webhook subscriber: answers 204 after MCC_BENCH_RECEIVER_DELAY_MS (0: at once; a slow one: seconds).
      const delay = Number(process.env.MCC_BENCH_RECEIVER_DELAY_MS ?? 0);
      // Counts POSTs and the changes in them (one each, or a batch's), for the bench to say what was delivered.
      let posts = 0;
      let changes = 0;
      const server = createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (d: string) => (body += d));
        req.on('end', () => {
          posts++;
          changes += body.split('"seq":').length - 1;
          setTimeout(() => res.writeHead(204).end(), delay);
        });
      });
      process.on('message', (m) => m === 'received' && process.send?.({ received: { posts, changes } }));
      server.listen(0, '127.0.0.1', () => report(listening(server)));
      return;
    }
    case 'bridge-100k': {
      // 100k live sessions (half queued) put in through the engine, then served over HTTP.
      const config = parseConfig({
        server: { host: '127.0.0.1', port: 0 },
        logging: { level: 'warn' },
        store: { kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'mcc-bench-')) },
        embedded: { channels: [{ id: 1003, license: 1_000_000, services: [{ code: 'CHAT' }] }] },
      });
      const engine = new EmbeddedEngine(config.embedded, openStore(config.store));
      await engine.start();
      // 100 at a time: the RSS then says what holding them costs. Loading 1,000 at once leaves the
      // V8 heap's high-water mark of that burst in the RSS (139–158 MiB instead of 131–134).
      for (let i = 0; i < 100_000; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, async (_, k) => {
            const id = `live-${i + k}`;
            await engine.createInteraction({ channelId: 1003, serviceCode: 'CHAT', id, data: `customer ${i + k}` });
            if ((i + k) % 2 === 0) await engine.placeInQueue(id);
          }),
        );
      }
      const bridge = await startBridge(config, { logger: createLogger(config.logging), center: embeddedCenter(engine) });
      report(bridge.url);
      return;
    }
    case 'bridge-queue': {
      // MCC_BENCH_QUEUED sessions (q-0, q-1, … in queue order) queued on one service, put in through
      // the engine 1,000 at a time (one store commit each); one agent (Huawei face, agent id 201,
      // capacity MCC_BENCH_CAPACITY) who signs in later, from the bench. Access log on.
      const queued = Number(process.env.MCC_BENCH_QUEUED ?? 0);
      const config = parseConfig({
        server: { host: '127.0.0.1', port: 0 },
        logging: { level: 'info' },
        store: { kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'mcc-bench-')) },
        faces: { huawei: { keepAliveSeconds: 3600 } },
        embedded: {
          channels: [{ id: 1003, license: 100_000_000, services: [{ code: 'CHAT' }] }],
          agents: [{ username: 'router', password: 'router-pw', agentId: 201, skills: ['CHAT'], capacity: Number(process.env.MCC_BENCH_CAPACITY ?? 1) }],
        },
      });
      const logger = createLogger(config.logging);
      const engine = new EmbeddedEngine(config.embedded, openStore(config.store, logger));
      await engine.start();
      const batch = 1000;
      for (let i = 0; i < queued; i += batch) {
        const ids = Array.from({ length: Math.min(batch, queued - i) }, (_, k) => `q-${i + k}`);
        await Promise.all(ids.map((id) => engine.createInteraction({ channelId: 1003, serviceCode: 'CHAT', id, data: id })));
        // Queued in call order: the store runs a batch's transactions in the order they came.
        await Promise.all(ids.map((id) => engine.placeInQueue(id)));
      }
      const bridge = await startBridge(config, { logger, center: embeddedCenter(engine) });
      report(bridge.url);
      return;
    }
    case 'bridge-soak': {
      // The soak target: the embedded engine with SOAK_AGENTS agents for the Huawei face, access log on.
      const agents = Number(process.env.SOAK_AGENTS ?? 20);
      const config = parseConfig({
        server: { host: '127.0.0.1', port: 0 },
        logging: { level: 'info' },
        store: { kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'mcc-soak-')) },
        faces: { huawei: { pollWaitSeconds: 1 } },
        embedded: {
          closedRetentionHours: 0.01, // closed sessions purged after 36 s: the store stays bounded
          channels: [{ id: 1003, license: 100_000, services: [{ code: 'CHAT' }] }],
          agents: Array.from({ length: agents }, (_, i) => ({ username: `soak${i}`, password: `pw${i}`, agentId: 1000 + i, skills: ['CHAT'], capacity: 5 })),
        },
      });
      const bridge = await startBridge(config, { logger: createLogger(config.logging) });
      report(bridge.url);
      return;
    }
    case 'bridge-vendor': {
      // A bridge on a vendor adapter (MCC_BENCH_BACKEND: the backend section), with one session sent to the vendor.
      const config = parseConfig({
        server: { host: '127.0.0.1', port: 0 },
        logging: { level: (process.env.BENCH_LOG_LEVEL as 'info') ?? 'info' },
        store: { kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'mcc-bench-')) },
        backend: JSON.parse(process.env.MCC_BENCH_BACKEND ?? '{}') as unknown,
      });
      const bridge = await startBridge(config, { logger: createLogger(config.logging) });
      for (let i = 0; i < 100 && (await fetch(`${bridge.url}/readyz`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
      await fetch(`${bridge.url}/mc/cxf/rest/json/startSession?channelId=1003&serviceid=CHAT&sessionId=${SESSION_ID}`);
      await fetch(`${bridge.url}/mc/cxf/rest/json/sessionAccept?sessionId=${SESSION_ID}`);
      report(bridge.url);
      return;
    }
    default:
      throw new Error(`unknown bench target ${kind}`);
  }
}

// The parent going away (or hanging up) ends the target cleanly, so --cpu-prof can write its profile.
process.on('disconnect', () => process.exit(0));
main(process.argv[2] ?? '').catch((e) => {
  console.error(e);
  process.exit(1);
});
