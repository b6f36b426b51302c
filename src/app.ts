import Koa from 'koa';
import type { Backend } from './backends/backend.js';
import { MccBridge } from './bridge/index.js';
import type { Config } from './config/index.js';
import type { AgentFaces } from './faces/agents/index.js';
import { requestScope } from './faces/http.js';
import { restFace } from './faces/mcc/rest.js';
import { SOAP_PATH } from './faces/mcc/urls.js';
import { soapFace } from './faces/mcc/soap.js';
import { SoapFault, writeSoapFault } from './faces/mcc/soap-envelope.js';
import type { Logger } from './log/logger.js';

/**
 * The Koa application: faces in front, the bridge behind them, the backend behind that. Nothing
 * here listens; `server.ts` does.
 */
export function createApp(config: Config, backend: Backend, logger: Logger, agentFaces?: AgentFaces): Koa {
  const app = new Koa({ proxy: config.server.trustProxy });
  const bridge = new MccBridge(backend);
  const { publicUrl, bodyLimit } = config.server;

  app.use(
    requestScope(logger, (ctx, message) => {
      if (ctx.path === SOAP_PATH) {
        ctx.type = 'text/xml; charset=utf-8';
        ctx.body = writeSoapFault(new SoapFault('Server', message));
      } else {
        ctx.body = { error: 'internal', message };
      }
    }),
  );

  // Liveness (the process answers) and readiness (its backend and store can serve).
  app.use(async (ctx, next) => {
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
    } else if (ctx.path === '/readyz') {
      const ready = await backend.ready().catch(() => false);
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? 'ready' : 'not ready', backend: backend.kind };
    } else {
      await next();
    }
  });

  const soap = soapFace({ bridge, targetNamespace: config.contract.targetNamespace, publicUrl, bodyLimit });
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
