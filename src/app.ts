import Koa from 'koa';
import type { Backend } from './backends/backend.js';
import { MccBridge } from './bridge/index.js';
import type { Config } from './config/index.js';
import type { OperatorView } from './backends/operator-view.js';
import { adminFace, adminProtected } from './faces/admin/index.js';
import type { AgentFaces } from './faces/agents/index.js';
import { requestScope, type FaceState } from './faces/http.js';
import { jsonDialect } from './faces/mcc/dialects.js';
import { mccFace } from './faces/mcc/index.js';
import { tooManyRequests } from './faces/mcc/refusals.js';
import { JSON_PATH, SOAP_PATH } from './faces/mcc/urls.js';
import { perClientLimit, type DoorSecurity } from './faces/security/index.js';
import type { Logger } from './log/logger.js';
import type { Metrics } from './ops/metrics.js';
import { opsRoutes } from './ops/routes.js';

/**
 * The Koa application, which only mounts: the request scope, the probes, the operator's page, the MCC face (which owns
 * its errors, credentials and rate limit), the agent faces, the final 404. Nothing here listens;
 * `server.ts` does.
 */
export function createApp(
  config: Config,
  backend: Backend,
  logger: Logger,
  security: DoorSecurity,
  agentFaces?: AgentFaces,
  metrics?: Metrics,
  operator?: OperatorView,
  /** Aborted when the bridge stops (long-lived streams end then). */
  closing?: AbortSignal,
): Koa {
  const app = new Koa({ proxy: config.server.trustProxy });
  const { credentials, throttle, rateLimit } = security;

  app.use(requestScope(logger, metrics));
  app.use(opsRoutes({ backend, metrics, config, security, logger }));
  if (operator && config.admin.enabled)
    app.use(adminFace({ view: operator, backend: backend.kind, protect: adminProtected(config), security, logger, closing }));
  app.use(
    mccFace({
      bridge: new MccBridge(backend),
      credentials,
      throttle,
      rateLimit,
      targetNamespace: config.contract.targetNamespace,
      publicUrl: config.server.publicUrl,
      bodyLimit: config.server.bodyLimit,
      cors: config.security.cors,
      logger,
    }),
  );
  // Each agent face spends the budget itself, once it knows who is asking (agents behind one NAT
  // are not one client); what no face answers spends its IP's.
  agentFaces?.install(app);
  if (rateLimit) app.use(perClientLimit<FaceState>(rateLimit, (ctx, waitSeconds) => jsonDialect(ctx, tooManyRequests(waitSeconds))));
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { error: 'not_found', message: `nothing at ${ctx.path}; the MCC is at ${SOAP_PATH} and ${JSON_PATH}` };
  });
  return app;
}
