import Router from '@koa/router';
import type { Middleware } from 'koa';
import { fail } from '../../reasons/index.js';
import type { AgentFace, AgentFaceDeps } from '../agents/face.js';
import { Refusal } from '../agents/refusal.js';
import { BodyError } from '../http.js';
import { perClientLimit } from '../security/index.js';
import type { CallReleaseContent } from './events.js';
import { huaweiRoutes } from './routes.js';
import { answer, failed, RetcodeRefusal, type HuaweiContext, type HuaweiState } from './wire.js';

export interface HuaweiFaceOptions extends AgentFaceDeps {
  pollWaitMs: number;
  keepAliveMs: number;
  guidRotateMs: number;
  /** The shape of AgentEvent_Call_Release's content, by gateway generation (events.ts). */
  callReleaseContent: CallReleaseContent;
}

/** What the face's handlers share. */
export interface HuaweiFace extends HuaweiFaceOptions {
  /** The per-agent request budget, spent once the Guid is verified (auth.ts). */
  readonly limit: Middleware<HuaweiState> | undefined;
  /** Wake-ups of the event polls this process holds, so a reload can end a removed agent's at once. */
  readonly heldPolls: Set<() => void>;
}

const PREFIX = '/agentgateway/resource';

/**
 * The Huawei CC-Gateway face of the embedded engine (seed 002, huawei.md): sign-in and the rotating
 * `Guid` session header (auth.ts), agent states (routes.ts), calls (calls.ts), and the agent event
 * log, polled (poll.ts, events.ts). Every answer is `{message, retcode, result}` with retcodes from
 * the shared catalog (wire.ts).
 */
export function huaweiFace(options: HuaweiFaceOptions): AgentFace {
  const { rateLimit } = options.security;
  const face: HuaweiFace = {
    ...options,
    // Past the budget the gateway's "interface invoked repeatedly" (000-007), with the wait.
    limit: rateLimit
      ? perClientLimit<HuaweiState>(rateLimit, (ctx, waitSeconds) => {
          ctx.set('Retry-After', String(waitSeconds));
          failed(ctx as HuaweiContext, fail('OPERATION_PENDING', `too many requests: retry in ${waitSeconds} s`));
        })
      : undefined,
    heldPolls: new Set(),
  };
  const router = new Router<HuaweiState>({ prefix: PREFIX });
  router.use(huaweiErrors);
  huaweiRoutes(router, face);
  return {
    install(app) {
      app.use(collapseSlashes);
      app.use(router.routes());
      app.use(unmatched);
    },
    reloaded() {
      for (const wake of [...face.heldPolls]) wake();
    },
  };
}

/**
 * `/agentgateway/resource//onlineagent/…` reaches the same route: Huawei's browser agent console
 * appends '/onlineagent/' to a base URL that already ends in '/' (REST.apiURL and every
 * `uri += '/…/'` in MoonShadowFei/HWCallCenter HWCallCenter/Scripts/new_agent_resource.js).
 */
const collapseSlashes: Middleware = async (ctx, next) => {
  if (/^\/+agentgateway\/+resource(\/|$)/.test(ctx.path) && ctx.path.includes('//')) ctx.path = ctx.path.replace(/\/{2,}/g, '/');
  await next();
};

/**
 * Under the face's prefix, what no route answered is the face's to refuse in its own dialect: a
 * known path with another method is 405 with Allow (the gateway's "wrong method to get agent
 * events", 000-001, on the event poll), an unknown path 404 with "address in the URL is wrong".
 */
const unmatched: Middleware<HuaweiState> = async (ctx, next) => {
  if (!ctx.path.startsWith(`${PREFIX}/`)) return next();
  const ctxr = ctx as HuaweiContext;
  ctxr.state.face = 'huawei';
  const layers = (ctx as unknown as { matched?: Array<{ methods: string[] }> }).matched ?? [];
  const allowed = [...new Set(layers.flatMap((l) => l.methods))];
  if (allowed.length === 0) return answer(ctxr, '000-002', {}, `nothing at ${ctx.path}`, 404);
  ctx.set('Allow', allowed.join(', '));
  const retcode = ctx.path.startsWith(`${PREFIX}/agentevent/`) ? '000-001' : '000-002';
  answer(ctxr, retcode, {}, `${ctx.method} is not allowed here: use ${allowed.join(', ')}`, 405);
};

/** The face's one error boundary: refused parameters and unreadable bodies as retcodes. */
async function huaweiErrors(ctx: HuaweiContext, next: () => Promise<unknown>): Promise<void> {
  ctx.state.face = 'huawei';
  try {
    await next();
  } catch (e) {
    if (e instanceof RetcodeRefusal) return answer(ctx, e.retcode, {}, e.message);
    if (e instanceof Refusal) return failed(ctx, e.failure);
    if (e instanceof BodyError) return failed(ctx, fail('INVALID_PARAMETER', e.message));
    throw e;
  }
}
