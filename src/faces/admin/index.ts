import Router from '@koa/router';
import type { Middleware, ParameterizedContext } from 'koa';
import type { OperatorView } from '../../backends/operator-view.js';
import type { Logger } from '../../log/logger.js';
import { rememberedRoutes } from '../dispatch.js';
import type { FaceState } from '../http.js';
import { answerErrors } from '../mcc/boundary.js';
import { jsonDialect } from '../mcc/dialects.js';
import { requireCredentials } from '../mcc/guard.js';
import type { DoorSecurity } from '../security/index.js';
import { ADMIN_CSS, ADMIN_ICON, ADMIN_JS } from './assets.js';
import { LiveSnapshots, type LiveOptions } from './live.js';
import { history, historyPage, page, unavailablePage } from './render.js';

export interface AdminFaceOptions {
  view: OperatorView;
  /** The backend's kind, for the page's header. */
  backend: string;
  /** Ask for the bridge's Basic or API-key credentials (see `adminProtected`). */
  protect: boolean;
  security: Pick<DoorSecurity, 'credentials' | 'throttle'>;
  logger: Logger;
  live?: LiveOptions;
  /** Aborted when the bridge stops: the pages' streams end then, not at the shutdown grace. */
  closing?: AbortSignal;
}

/** `admin.protect`, else the metrics' rule: whenever there are credentials a browser can send (Basic or an API key). */
export const adminProtected = (c: { admin: { protect?: boolean | undefined }; security: { basic: unknown[]; apiKeys: unknown[] } }): boolean =>
  c.admin.protect ?? (c.security.basic.length > 0 || c.security.apiKeys.length > 0);

/**
 * Nothing but this origin: the page's own script and style, its own event stream and fetches; no
 * inline code, no frames, no forms.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const hardened: Middleware<FaceState> = async function hardened(ctx, next) {
  ctx.state.face = 'admin';
  ctx.set({ 'Content-Security-Policy': CSP, 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY', 'Cache-Control': 'no-store' });
  await next();
};

function html(ctx: ParameterizedContext<FaceState>, status: number, body: string) {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = body;
}

/**
 * The operator's live page: /admin (channels, services, agents, the newest sessions), its event
 * stream /admin/events, a session's history /admin/sessions/:id (the fragment the script shows
 * with `?part=history`, else a page of its own), and its assets. Every route carries the
 * credentials guard when protected, so any spelling the router matches meets it. The data comes
 * through the OperatorView port only.
 */
export function adminFace({ view, backend, protect, security, logger, live: liveOptions, closing }: AdminFaceOptions) {
  const router = new Router<FaceState>();
  const live = new LiveSnapshots(view, logger, liveOptions);
  closing?.addEventListener('abort', () => live.closeAll(), { once: true });
  const guard = [
    hardened,
    answerErrors(jsonDialect, logger),
    ...(protect
      ? [
          requireCredentials<FaceState>(security.credentials, security.throttle, {
            missing: 'credentials are required for the operator page: HTTP Basic or X-API-Key',
          }),
        ]
      : []),
  ];

  router.get('/admin', ...guard, async (ctx) => {
    const found = await view.snapshot();
    if (found.ok) html(ctx, 200, page(found.value, Date.now()));
    else html(ctx, 503, unavailablePage(backend, found.message, Date.now()));
  });
  router.get('/admin/events', ...guard, (ctx) => {
    ctx.state.operation = 'events';
    // A stream lives as long as the page: no socket timeout, no buffering by a proxy.
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'X-Accel-Buffering': 'no' });
    const stream = live.open();
    ctx.res.once('close', () => live.close(stream));
    ctx.status = 200;
    ctx.body = stream;
  });
  router.get('/admin/sessions/:id', ...guard, async (ctx) => {
    ctx.state.operation = 'history';
    const found = await view.history(ctx.params.id as string);
    const fragment = ctx.query.part === 'history';
    if (!found.ok) {
      const status = found.reason === 'UNKNOWN_INTERACTION' ? 404 : 503;
      return html(
        ctx,
        status,
        fragment
          ? `<p class="note">${status === 404 ? 'no such session in the store' : 'the store cannot be read now'}</p>`
          : unavailablePage(backend, found.message, Date.now()),
      );
    }
    html(ctx, 200, fragment ? history(found.value) : historyPage(backend, found.value, Date.now()));
  });
  router.get('/admin/admin.css', ...guard, (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.body = ADMIN_CSS;
  });
  router.get('/admin/admin.js', ...guard, (ctx) => {
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = ADMIN_JS;
  });
  router.get('/admin/icon.svg', ...guard, (ctx) => {
    ctx.type = 'image/svg+xml';
    ctx.body = ADMIN_ICON;
  });
  return rememberedRoutes(router, 'routed');
}
