import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import type { AgentDesk } from '../../backends/agent-desk.js';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/logger.js';
import type { DoorSecurity } from '../security/index.js';
import { genesysFace } from '../genesys/index.js';
import { huaweiFace } from '../huawei/index.js';
import { xivoFace } from '../xivo/index.js';
import type { AgentFace } from './face.js';
import { AgentEventFeed } from './feed.js';

export interface AgentFaces {
  /** Mount the HTTP routes of the enabled faces (and the CometD long-polling endpoint). */
  install(app: Koa): void;
  /** WebSocket upgrades (CometD, XUC CTI); false when the path is not theirs. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Tell the faces the configuration was reloaded. */
  reloaded(): void;
  close(): void;
}

/** The agent-facing APIs of the embedded engine: the enabled faces, each a thin layer over the same desk. */
export function createAgentFaces(config: Config, engine: AgentDesk, logger: Logger, security: DoorSecurity): AgentFaces {
  const directory = engine.roster;
  const feed = new AgentEventFeed(engine);
  const { bodyLimit, publicUrl } = config.server;
  const { genesys, huawei, xivo } = config.faces;
  const faces: AgentFace[] = [];

  if (genesys.enabled) faces.push(genesysFace({ engine, security, directory, feed, logger, bodyLimit, publicUrl, allowedOrigins: genesys.allowedOrigins }));
  if (huawei.enabled) {
    faces.push(
      huaweiFace({
        engine,
        security,
        directory,
        feed,
        bodyLimit,
        pollWaitMs: huawei.pollWaitSeconds * 1000,
        keepAliveMs: huawei.keepAliveSeconds * 1000,
        guidRotateMs: huawei.guidRotateSeconds * 1000,
        callReleaseContent: huawei.callReleaseContent,
      }),
    );
  }
  if (xivo.enabled)
    faces.push(
      xivoFace({
        engine,
        security,
        directory,
        feed,
        logger,
        bodyLimit,
        tokenTtlMs: xivo.tokenTtlSeconds * 1000,
        maxOutgoingPerAgent: xivo.maxOutgoingPerAgent,
      }),
    );

  return {
    install(app) {
      for (const face of faces) face.install(app);
    },
    handleUpgrade(req, socket, head) {
      return faces.some((face) => face.handleUpgrade?.(req, socket, head) ?? false);
    },
    reloaded() {
      for (const face of faces) face.reloaded?.();
    },
    close() {
      feed.close(); // waiting event polls answer now
      for (const face of faces) face.close?.();
    },
  };
}
