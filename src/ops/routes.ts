import Router from '@koa/router';
import type { Backend } from '../backends/backend.js';
import type { Config } from '../config/index.js';
import { rememberedRoutes } from '../faces/dispatch.js';
import { answerErrors } from '../faces/mcc/boundary.js';
import { jsonDialect } from '../faces/mcc/dialects.js';
import { requireCredentials } from '../faces/mcc/guard.js';
import type { FaceState } from '../faces/http.js';
import type { DoorSecurity } from '../faces/security/index.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from './metrics.js';

export interface OpsRoutesOptions {
  backend: Backend;
  metrics: Metrics | undefined;
  config: Pick<Config, 'metrics' | 'security'>;
  security: Pick<DoorSecurity, 'credentials' | 'throttle'>;
  logger: Logger;
}

/** `metrics.protect`, else: whenever there are credentials a scraper can send (Basic or an API key). */
export const metricsProtected = ({ metrics, security }: OpsRoutesOptions['config']): boolean =>
  metrics.protect ?? (security.basic.length > 0 || security.apiKeys.length > 0);

/**
 * Liveness (the process answers), readiness (its backend and store can serve), metrics. Mounted
 * before every face: the probes are never rate limited or asked for credentials. The metrics
 * route carries its own credentials guard when protected, so whatever spelling the router matches
 * (another case, a trailing slash) meets it.
 */
export function opsRoutes({ backend, metrics, config, security, logger }: OpsRoutesOptions) {
  const router = new Router<FaceState>();
  router.all('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.all('/readyz', async (ctx) => {
    const ready = await backend.ready().catch(() => false);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', backend: backend.kind };
  });
  if (metrics) {
    const guard = metricsProtected(config)
      ? [
          answerErrors(jsonDialect, logger),
          requireCredentials<FaceState>(security.credentials, security.throttle, {
            missing: 'credentials are required for the metrics: HTTP Basic or X-API-Key',
          }),
        ]
      : [];
    router.get(config.metrics.path, ...guard, async (ctx) => {
      ctx.type = metrics.registry.contentType;
      ctx.body = await metrics.registry.metrics();
    });
  }
  return rememberedRoutes(router, 'routed');
}
