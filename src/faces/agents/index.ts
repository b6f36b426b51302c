import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import type { AgentDesk } from '../../backends/agent-desk.js';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/logger.js';
import { baseUrl } from '../http.js';
import { GenesysNotifications } from '../genesys/cometd.js';
import { genesysRoutes } from '../genesys/routes.js';
import { huaweiRoutes } from '../huawei/routes.js';
import { xivoAuthRoutes } from '../xivo/auth.js';
import { XucServer } from '../xivo/cti.js';
import { AgentEventFeed } from './feed.js';

export interface AgentFaces {
  /** Mount the HTTP routes of the enabled faces (and the CometD long-polling endpoint). */
  install(app: Koa): void;
  /** WebSocket upgrades (CometD, XUC CTI); false when the path is not theirs. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void;
}

/** The agent-facing APIs of the embedded engine, each a thin layer over the same engine. */
export function createAgentFaces(config: Config, engine: AgentDesk, logger: Logger): AgentFaces {
  const directory = engine.roster;
  const feed = new AgentEventFeed(engine);
  const { bodyLimit, publicUrl } = config.server;
  const faces = config.faces;
  const install: Array<(app: Koa) => void> = [];
  let cometd: GenesysNotifications | undefined;
  let xuc: XucServer | undefined;
  let origin = 'http://localhost';

  if (faces.genesys.enabled) {
    const notifications = new GenesysNotifications(engine, directory, feed, logger, () => origin);
    cometd = notifications;
    install.push((app) => app.use(async (ctx, next) => {
      origin = baseUrl(ctx, publicUrl); // the URL notifications name resources by
      if (!notifications.handles(ctx.path)) return next();
      (ctx.state as { face?: string }).face = 'genesys';
      ctx.respond = false; // faye answers on the raw response
      ctx.status = 200;
      await notifications.handle(ctx.req, ctx.res);
    }));
    const routes = genesysRoutes({ engine, directory, bodyLimit, publicUrl, notify: (u, topic, data) => notifications.notify(u, topic, data) });
    install.push((app) => app.use(routes.routes()));
  }
  if (faces.huawei.enabled) {
    const routes = huaweiRoutes({
      engine, directory, feed, bodyLimit,
      pollWaitMs: faces.huawei.pollWaitSeconds * 1000,
      keepAliveMs: faces.huawei.keepAliveSeconds * 1000,
      guidRotateMs: faces.huawei.guidRotateSeconds * 1000,
    });
    install.push((app) => app.use(routes.routes()));
  }
  if (faces.xivo.enabled) {
    xuc = new XucServer(engine, directory, feed, logger, bodyLimit);
    const routes = xivoAuthRoutes({ engine, directory, bodyLimit, tokenTtlMs: faces.xivo.tokenTtlSeconds * 1000 });
    install.push((app) => app.use(routes.routes()));
  }

  return {
    install(app) {
      for (const mount of install) mount(app);
    },
    handleUpgrade(req, socket, head) {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (cometd?.handles(path)) void cometd.handleUpgrade(req, socket, head).catch(() => socket.destroy());
      else if (xuc?.handles(path)) xuc.handleUpgrade(req, socket, head);
      else return false;
      return true;
    },
    close() {
      feed.stop();
      cometd?.close();
      xuc?.close();
    },
  };
}
