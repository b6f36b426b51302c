import type Router from '@koa/router';
import type { FaceState } from '../http.js';
import { check, login } from './auth.js';
import type { XivoFace } from './index.js';

/** The XUC HTTP routes (under /xuc/api/2.0); everything else goes over the CTI socket (cti.ts, commands.ts). */
export function xivoRoutes(router: Router<FaceState>, face: XivoFace): void {
  router.post('/auth/login', login(face));
  router.get('/auth/check', check(face));
}
