import Router from '@koa/router';
import type { AgentDesk } from '../../backends/agent-desk.js';
import { fail } from '../../reasons/index.js';
import type { AgentRoster } from '../../backends/agent-desk.js';
import type { AgentFace } from '../agents/face.js';
import type { AgentEventFeed } from '../agents/feed.js';
import { Refusal } from '../agents/refusal.js';
import { BodyError } from '../http.js';
import { huaweiRoutes } from './routes.js';
import { failed, type HuaweiContext, type HuaweiState } from './wire.js';
import type { DoorSecurity } from '../security/index.js';

export interface HuaweiFaceOptions {
  engine: AgentDesk;
  /** Credentials throttle and request budget shared with every door. */
  security: DoorSecurity;
  /** Wakes event polls when their agent has news. */
  feed: AgentEventFeed;
  directory: AgentRoster;
  bodyLimit: number;
  pollWaitMs: number;
  keepAliveMs: number;
  guidRotateMs: number;
}

/** What the face's handlers share. */
export type HuaweiFace = HuaweiFaceOptions;

/**
 * The Huawei CC-Gateway face of the embedded engine (seed 002, huawei.md): sign-in and the rotating
 * `Guid` session header (auth.ts), agent states and calls (routes.ts), and the agent event log,
 * polled (events.ts). Every answer is `{message, retcode, result}` with retcodes from the shared
 * catalog (wire.ts).
 */
export function huaweiFace(options: HuaweiFaceOptions): AgentFace {
  const router = new Router<HuaweiState>({ prefix: '/agentgateway/resource' });
  router.use(huaweiErrors);
  huaweiRoutes(router, options);
  return { install: (app) => app.use(router.routes()) };
}

/** The face's one error boundary: refused parameters and unreadable bodies as retcodes. */
async function huaweiErrors(ctx: HuaweiContext, next: () => Promise<unknown>): Promise<void> {
  ctx.state.face = 'huawei';
  try {
    await next();
  } catch (e) {
    if (e instanceof Refusal) return failed(ctx, e.failure);
    if (e instanceof BodyError) return failed(ctx, fail('INVALID_PARAMETER', e.message));
    throw e;
  }
}
