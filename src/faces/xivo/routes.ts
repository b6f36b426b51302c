import type Router from '@koa/router';
import type { FaceState } from '../http.js';
import { authenticate, budget, check, login, verifyToken } from './auth.js';
import type { XivoFace } from './index.js';

/** The XUC HTTP routes (under /xuc/api/2.0); everything else goes over the CTI socket (cti.ts, commands.ts). */
export function xivoRoutes(router: Router<FaceState>, face: XivoFace): void {
  // Credentials first, then the request budget of the user they name (issue 11 point 5), then the work.
  router.post('/auth/login', authenticate(face), ...budget(face), login(face));
  router.get('/auth/check', verifyToken(face), ...budget(face), check(face));
}
