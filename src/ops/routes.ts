import type { Middleware } from 'koa';
import type { Backend } from '../backends/backend.js';
import type { Metrics } from './metrics.js';

/**
 * Liveness (the process answers), readiness (its backend and store can serve), metrics. Mounted
 * before every face: probes are never rate limited or asked for credentials.
 */
export function opsRoutes(backend: Backend, metrics: Metrics | undefined, metricsPath: string): Middleware {
  return async function opsRoutes(ctx, next) {
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
    } else if (ctx.path === '/readyz') {
      const ready = await backend.ready().catch(() => false);
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? 'ready' : 'not ready', backend: backend.kind };
    } else if (metrics && ctx.path === metricsPath && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      // HEAD answers GET's headers, Content-Length included; Koa leaves the body out.
      ctx.type = metrics.registry.contentType;
      ctx.body = await metrics.registry.metrics();
    } else {
      await next();
    }
  };
}
