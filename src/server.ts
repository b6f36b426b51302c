import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Backend } from './backends/backend.js';
import { startContactCenter, type ContactCenter } from './backends/contact-center.js';
import type { Config } from './config/index.js';
import { createApp } from './app.js';
import { createAgentFaces } from './faces/agents/index.js';
import { doorSecurity } from './faces/security/index.js';
import { serveIgnoringUpgrade } from './ignored-upgrade.js';
import { createLogger, type Logger } from './log/logger.js';
import { capConnections, timeoutOptions } from './ops/connection-limits.js';
import { Metrics } from './ops/metrics.js';
import { WebhookDispatcher } from './push/index.js';

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

/** Serve the MCC (and, on a contact center with an agent desk, the agent faces) on the configured port. */
export async function startBridge(config: Config, options: { logger?: Logger; center?: ContactCenter } = {}): Promise<RunningBridge> {
  const logger = options.logger ?? createLogger(config.logging);
  const center = options.center ?? (await startContactCenter(config, logger));
  const { backend, desk } = center;
  const metrics = config.metrics.enabled ? new Metrics() : undefined;
  if (metrics) {
    metrics.attach(backend);
    backend.onVendorFailure?.((reason) => metrics.backendError(backend.kind, reason));
  }
  let webhooks = backend.changes && config.push.webhooks.length > 0 ? new WebhookDispatcher(config.push, backend.changes, logger, metrics) : undefined;
  await webhooks?.start(); // before any change is served: a new subscriber's cursors start here
  const security = doorSecurity(config.security);
  const faces = desk ? createAgentFaces(config, desk, logger, security) : undefined;
  const closing = new AbortController();
  const app = createApp(config, backend, logger, security, faces, metrics, center.operator, closing.signal);
  const tls = config.server.tls;
  // requestScope answers every error of ours; what reaches Koa's 'error' is a connection ended under
  // an answer (a client gone, node's request timeout on a trickling body): no stack on stderr for that.
  app.on('error', (error: NodeJS.ErrnoException) => logger.debug('connection ended early', { code: error.code, message: error.message }));
  // Once stopping, answers close their connection: a kept-alive one would carry the next request.
  let stopping = false;
  // Koa's handler answers its own errors; node:http ignores the promise it returns.
  const handle = app.callback();
  const listener: RequestListener = (req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
    void handle(req, res);
  };
  const timeouts = timeoutOptions(config.server);
  const server: Server = tls
    ? createHttpsServer({ ...timeouts, key: readFileSync(tls.key), cert: readFileSync(tls.cert) }, listener)
    : createHttpServer(timeouts, listener);
  capConnections(server, config.server, logger);
  // Upgraded sockets leave the server's connection list: tracked here so a shutdown can end them.
  const upgraded = new Set<Duplex>();
  // Only the agent faces' WebSocket/CometD paths take an upgrade; any other is ignored (RFC 9110 §7.8).
  server.on('upgrade', (req, socket, head) => {
    if (stopping) return void socket.destroy();
    if (!faces?.handleUpgrade(req, socket, head)) return serveIgnoringUpgrade(server, req, socket, head);
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
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
      // The agent faces read the engine's roster, which the reload replaces; they are told so they
      // can end what they hold for agents that are gone (a Huawei poll waiting on one).
      await center.reload?.(next);
      faces?.reloaded();
      // The webhooks as the file now lists them: a dispatcher once there is one, none once there are none.
      if (next.push.webhooks.length === 0) {
        await webhooks?.stop();
        webhooks = undefined;
      } else if (webhooks) {
        await webhooks.reload(next.push);
      } else if (backend.changes && !stopping) {
        webhooks = new WebhookDispatcher(next.push, backend.changes, logger, metrics);
        await webhooks.start();
      }
    },
    async close(graceSeconds = config.server.shutdownGraceSeconds) {
      stopping = true;
      faces?.close(); // long polls are answered and sockets closed now, not at the grace
      await webhooks?.stop();
      backend.changes?.close(); // event streams end now; their clients resume elsewhere
      closing.abort(); // so do the operator pages' streams
      // In-flight requests finish; idle keep-alive connections go now; past the grace, the rest.
      const cut = setTimeout(() => {
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      }, graceSeconds * 1000);
      // A connection whose request was under way goes once it is idle (its answer said Connection: close
      // only if it began after the stop).
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearTimeout(cut);
      clearInterval(idle);
      await backend.close();
    },
  };
}
