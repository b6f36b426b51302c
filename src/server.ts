import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Backend } from './backends/backend.js';
import { EmbeddedEngine } from './backends/embedded/index.js';
import { startVendorBackend } from './backends/vendor/index.js';
import { openStore } from './store/index.js';
import type { Config } from './config/index.js';
import { createApp } from './app.js';
import { createAgentFaces } from './faces/agents/index.js';
import { createLogger, type Logger } from './log/logger.js';
import { Metrics } from './ops/metrics.js';

export interface RunningBridge {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  server: Server;
  backend: Backend;
  logger: Logger;
  /** Stop accepting, let in-flight requests finish (within the grace), stop the backend. */
  close(graceSeconds?: number): Promise<void>;
  /** Apply a new configuration's channels, services and agents (SIGHUP); sessions stay. */
  reload(config: Config): Promise<void>;
}

/** The configured backend, started: for the embedded engine its store is migrated and recovered. */
export async function createBackend(config: Config, logger: Logger): Promise<Backend> {
  const b = config.backend;
  switch (b.kind) {
    case 'embedded': {
      let engine: EmbeddedEngine | undefined;
      try {
        engine = new EmbeddedEngine(config.embedded, openStore(config.store));
        await engine.start();
      } catch (e) {
        await engine?.close().catch(() => undefined);
        throw new Error(`cannot start: the ${config.store.kind} session store is not usable: ${(e as Error).message}`);
      }
      return engine;
    }
    default:
      try {
        return await startVendorBackend(config, b, logger);
      } catch (e) {
        throw new Error(`cannot start the ${b.kind} backend: ${(e as Error).message}`);
      }
  }
}

export async function startBridge(config: Config, options: { logger?: Logger; backend?: Backend } = {}): Promise<RunningBridge> {
  const logger = options.logger ?? createLogger(config.logging);
  const backend = options.backend ?? (await createBackend(config, logger));
  const metrics = config.metrics.enabled ? new Metrics() : undefined;
  if (metrics) {
    metrics.attach(backend);
    backend.onVendorFailure?.((reason) => metrics.backendError(backend.kind, reason));
  }
  // The agent faces drive the embedded engine; a vendor backend has its own agent desktops.
  const faces = backend instanceof EmbeddedEngine ? createAgentFaces(config, backend, logger) : undefined;
  const app = createApp(config, backend, logger, faces, metrics);
  const tls = config.server.tls;
  const server: Server = tls
    ? createHttpsServer({ key: readFileSync(tls.key), cert: readFileSync(tls.cert) }, app.callback())
    : createHttpServer(app.callback());
  server.on('upgrade', (req, socket, head) => {
    if (!faces?.handleUpgrade(req, socket, head)) socket.destroy();
  });
  server.listen(config.server.port, config.server.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = ['0.0.0.0', '::'].includes(config.server.host) ? '127.0.0.1' : config.server.host;
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info('listening', { url, backend: backend.kind, soap: `${url}/mc/cxf/soap?wsdl`, rest: `${url}/mc/cxf/rest?_wadl` });
  return {
    url,
    server,
    backend,
    logger,
    async reload(next: Config) {
      if (backend instanceof EmbeddedEngine) await backend.reload(next.embedded);
      faces?.reload(next);
    },
    async close(graceSeconds = config.server.shutdownGraceSeconds) {
      faces?.close();
      // In-flight requests finish; idle keep-alive connections go now; past the grace, the rest.
      const cut = setTimeout(() => server.closeAllConnections(), graceSeconds * 1000);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearTimeout(cut);
      await backend.close();
    },
  };
}
