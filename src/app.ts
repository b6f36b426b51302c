import { createHash } from 'node:crypto';
import Koa from 'koa';
import type { Backend } from './backends/backend.js';
import { MccBridge } from './bridge/index.js';
import type { Config } from './config/index.js';
import type { AgentFaces } from './faces/agents/index.js';
import { requestScope, type FaceState } from './faces/http.js';
import { Credentials } from './faces/security/credentials.js';
import { RateLimit } from './faces/security/rate-limit.js';
import { restFace } from './faces/mcc/rest.js';
import { JSON_PATH, REST_PATH, SOAP_PATH } from './faces/mcc/urls.js';
import { soapFace } from './faces/mcc/soap.js';
import { SoapFault, writeSoapFault } from './faces/mcc/soap-envelope.js';
import type { Logger } from './log/logger.js';
import type { Metrics } from './ops/metrics.js';

/**
 * The Koa application: faces in front, the bridge behind them, the backend behind that. Nothing
 * here listens; `server.ts` does.
 */
export function createApp(config: Config, backend: Backend, logger: Logger, agentFaces?: AgentFaces, metrics?: Metrics): Koa {
  const app = new Koa({ proxy: config.server.trustProxy });
  const bridge = new MccBridge(backend);
  const { publicUrl, bodyLimit } = config.server;
  const credentials = new Credentials(config.security);
  const rateLimit = config.security.rateLimit ? new RateLimit(config.security.rateLimit) : undefined;
  const isSoap = (ctx: Koa.Context) => ctx.path === SOAP_PATH;

  app.use(
    requestScope(
      logger,
      (ctx, message) => {
        if (isSoap(ctx)) {
          ctx.type = 'text/xml; charset=utf-8';
          ctx.body = writeSoapFault(new SoapFault('Server', message));
        } else {
          ctx.body = { error: 'internal', message };
        }
      },
      metrics,
    ),
  );

  // Liveness (the process answers), readiness (its backend and store can serve), metrics.
  app.use(async (ctx, next) => {
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
    } else if (ctx.path === '/readyz') {
      const ready = await backend.ready().catch(() => false);
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? 'ready' : 'not ready', backend: backend.kind };
    } else if (metrics && ctx.path === config.metrics.path && ctx.method === 'GET') {
      ctx.type = metrics.registry.contentType;
      ctx.body = await metrics.registry.metrics();
    } else {
      await next();
    }
  });

  // Per-client rate limit: the client is its credential (hashed, never kept) or its IP.
  if (rateLimit) {
    app.use(async (ctx, next) => {
      const credential = ctx.get('authorization') || ctx.get('x-api-key') || ctx.get('guid');
      const client = credential ? `c:${createHash('sha256').update(credential).digest('base64url')}` : `ip:${ctx.ip}`;
      const wait = await rateLimit.check(client);
      if (wait === undefined) return next();
      const message = `Too many requests: retry in ${wait} s`;
      (ctx.state as FaceState).failReason = 'RATE_LIMITED';
      ctx.status = 429;
      ctx.set('Retry-After', String(wait));
      if (isSoap(ctx) && ctx.method === 'POST') {
        ctx.type = 'text/xml; charset=utf-8';
        ctx.body = writeSoapFault(new SoapFault('Client', message));
      } else {
        ctx.body = { error: 'rate_limited', message, retryAfterSeconds: wait };
      }
    });
  }

  // REST credentials (SOAP checks its own, WS-Security included, once the envelope is read).
  if (credentials.enabled) {
    app.use(async (ctx, next) => {
      const contract = ctx.path === REST_PATH || ctx.path === `${REST_PATH}/openapi.json` || (ctx.path === JSON_PATH && ctx.query._wadl !== undefined);
      const guarded = ctx.path.startsWith(`${JSON_PATH}/`) || (contract && credentials.protectsContracts);
      if (!guarded) return next();
      const verdict = credentials.fromHeaders(ctx.get('authorization') || undefined, ctx.get('x-api-key') || undefined);
      if (verdict?.ok) {
        (ctx.state as FaceState).principal = verdict.principal;
        return next();
      }
      (ctx.state as FaceState).face = 'rest';
      (ctx.state as FaceState).failReason = 'UNAUTHENTICATED';
      if (credentials.offersBasic) ctx.set('WWW-Authenticate', 'Basic realm="mcc-bridge"');
      ctx.status = 401;
      ctx.body = { error: 'unauthorized', message: verdict?.message ?? 'credentials are required: HTTP Basic or X-API-Key' };
    });
  }

  const soap = soapFace({ bridge, targetNamespace: config.contract.targetNamespace, publicUrl, bodyLimit, credentials });
  const rest = restFace({ bridge, publicUrl, bodyLimit });
  app.use(soap.routes());
  app.use(rest.routes());
  agentFaces?.install(app);
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { error: 'not_found', message: `nothing at ${ctx.path}; the MCC is at ${SOAP_PATH} and /mc/cxf/rest/json` };
  });
  return app;
}
