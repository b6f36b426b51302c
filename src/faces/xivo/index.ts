import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import Router from '@koa/router';
import type Koa from 'koa';
import { WebSocketServer } from 'ws';
import type { Logger } from '../../log/logger.js';
import type { AgentFace, AgentFaceDeps } from '../agents/face.js';
import { BodyError, type FaceState } from '../http.js';
import { refused, type XivoContext } from './auth.js';
import { CTI_PATH, openSession, type XucSession } from './cti.js';
import { xivoRoutes } from './routes.js';
import { sweep } from './access.js';
import { QueueStatsFeed } from './queue-stats.js';
import { refusedUpgrade } from '../security/index.js';

/** How often open sockets are checked against the roster (a reload may have removed their user). */
const SWEEP_MS = 1000;

export interface XivoFaceOptions extends AgentFaceDeps {
  logger: Logger;
  tokenTtlMs: number;
  /** Outgoing calls (dialFromQueue) one user may have open at once. */
  maxOutgoingPerAgent: number;
}

/** What the face's handlers and sessions share. */
export interface XivoFace extends XivoFaceOptions {
  /** The CTI sessions of this process (broadcasts go to them). */
  readonly sessions: Set<XucSession>;
  /** Per user, the dial being checked against its limit (rights.ts). */
  readonly dialing: Map<string, Promise<void>>;
  /** Subscribers to queue statistics (queue-stats.ts). */
  readonly queueStats: QueueStatsFeed;
}

/**
 * The XiVO XUC face of the embedded engine: token sign-in over HTTP (auth.ts, routes.ts) and the
 * CTI WebSocket (cti.ts) whose commands (commands.ts, callbacks.ts, lists.ts) act on the desk and
 * whose events (events.ts) come from the agent event feed.
 */
export function xivoFace(options: XivoFaceOptions): AgentFace {
  const face: XivoFace = {
    ...options,
    sessions: new Set(),
    dialing: new Map(),
    queueStats: new QueueStatsFeed(options.engine, () => options.directory.services),
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.bodyLimit });
  const router = new Router<FaceState>({ prefix: '/xuc/api/2.0' });
  router.use(xivoErrors);
  xivoRoutes(router, face);
  const sweeper = setInterval(() => void sweep(face).catch((e: unknown) => options.logger.warn('xuc sweep failed', { error: e })), SWEEP_MS).unref();
  let app: Koa | undefined;

  return {
    install: (into) => {
      app = into;
      into.use(router.routes());
    },
    handleUpgrade(req, socket, head) {
      if (!app || new URL(req.url ?? '/', 'http://x').pathname !== CTI_PATH) return false;
      // Koa's reading of the client's address (X-Forwarded-For only behind a trusted proxy), as the HTTP routes see it.
      const ip = app.createContext(req, new ServerResponse(req)).ip;
      void upgrade(face, wss, { req, socket, head, ip }).catch(() => socket.destroy());
      return true;
    },
    close() {
      clearInterval(sweeper);
      face.queueStats.close();
      for (const s of face.sessions) s.terminate();
      wss.close();
    },
  };
}

/**
 * An address past the failed-authentication budget is refused before its token is looked at, with
 * the 429 a browser's WebSocket reports as a failed connection; otherwise the socket opens (cti.ts).
 */
async function upgrade(face: XivoFace, wss: WebSocketServer, u: { req: IncomingMessage; socket: Duplex; head: Buffer; ip: string }): Promise<void> {
  if (await refusedUpgrade(face.security.rateLimit, u.ip, u.socket)) return;
  const wait = await face.security.throttle.blocked(u.ip);
  if (wait !== undefined) {
    u.socket.end(`HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${wait}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    return;
  }
  wss.handleUpgrade(u.req, u.socket, u.head, (ws) => void openSession(face, ws, u.req, u.ip));
}

/** The HTTP routes' one error boundary: an unreadable body answers 400 in XUC's words (the socket's is in cti.ts). */
async function xivoErrors(ctx: XivoContext, next: () => Promise<unknown>): Promise<void> {
  ctx.state.face = 'xivo';
  try {
    await next();
  } catch (e) {
    if (e instanceof BodyError) return refused(ctx, 400, { ok: false, reason: 'INVALID_PARAMETER', message: e.message });
    throw e;
  }
}
