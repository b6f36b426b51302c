import Router from '@koa/router';
import { WebSocketServer } from 'ws';
import type { AgentDesk } from '../../backends/agent-desk.js';
import type { Logger } from '../../log/logger.js';
import type { AgentRoster } from '../../backends/agent-desk.js';
import type { AgentFace } from '../agents/face.js';
import type { AgentEventFeed } from '../agents/feed.js';
import { BodyError, type FaceState } from '../http.js';
import { refused, type XivoContext } from './auth.js';
import { CTI_PATH, openSession, type XucSession } from './cti.js';
import { xivoRoutes } from './routes.js';
import type { DoorSecurity } from '../security/index.js';

export interface XivoFaceOptions {
  engine: AgentDesk;
  /** Credentials throttle and request budget shared with every door. */
  security: DoorSecurity;
  directory: AgentRoster;
  feed: AgentEventFeed;
  logger: Logger;
  bodyLimit: number;
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
}

/**
 * The XiVO XUC face of the embedded engine: token sign-in over HTTP (auth.ts, routes.ts) and the
 * CTI WebSocket (cti.ts) whose commands (commands.ts, callbacks.ts, lists.ts) act on the desk and
 * whose events (events.ts) come from the agent event feed.
 */
export function xivoFace(options: XivoFaceOptions): AgentFace {
  const face: XivoFace = { ...options, sessions: new Set(), dialing: new Map() };
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.bodyLimit });
  const router = new Router<FaceState>({ prefix: '/xuc/api/2.0' });
  router.use(xivoErrors);
  xivoRoutes(router, face);

  return {
    install: (app) => app.use(router.routes()),
    handleUpgrade(req, socket, head) {
      if (new URL(req.url ?? '/', 'http://x').pathname !== CTI_PATH) return false;
      wss.handleUpgrade(req, socket, head, (ws) => void openSession(face, ws, req));
      return true;
    },
    close() {
      for (const s of face.sessions) s.terminate();
      wss.close();
    },
  };
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
