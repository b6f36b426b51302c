/**
 * Benchmark targets, one per child process so each gets the event loop to itself:
 *   node dist/bench/servers.js http | koa | node-soap | bridge
 * Each listens on 127.0.0.1 (ephemeral port) and reports {url, sessionId?} to the parent by IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import soap from 'soap';
import { parseConfig } from '../src/config/index.js';
import { DEFAULT_TARGET_NAMESPACE } from '../src/contract/index.js';
import { renderWsdl } from '../src/faces/mcc/wsdl.js';
import { createLogger } from '../src/log/logger.js';
import { startBridge } from '../src/server.js';
import { CHECK_RESULT, SESSION_ID } from './fixture.js';


const report = (url: string) => process.send?.({ url });
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
    case 'bridge': {
      const config = parseConfig({
        server: { host: '127.0.0.1', port: 0 },
        logging: { level: (process.env.BENCH_LOG_LEVEL as 'info') ?? 'info' },
        embedded: { channels: [{ id: 1003, license: 1_000_000, services: [{ code: 'CHAT' }] }] },
      });
      // Logs are on (as in production) and go to this child's stdout, which the parent discards.
      const bridge = await startBridge(config, { logger: createLogger(config.logging) });
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
