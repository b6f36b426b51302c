import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Router from '@koa/router';
import Koa from 'koa';
import { EmbeddedEngine } from '../../src/backends/embedded/index.js';
import { parseConfig } from '../../src/config/index.js';
import { createAgentFaces } from '../../src/faces/agents/index.js';
import { doorSecurity } from '../../src/faces/security/index.js';
import { createLogger } from '../../src/log/logger.js';
import { SqliteStore } from '../../src/store/index.js';
import type { TestBridge } from '../support/bridge.js';
import { FACES_EMBEDDED, basic, http, soapStart, startFacesBridge, xucLogin } from '../support/agent-faces.js';
import { JavaDemo } from '../support/huawei-clients.js';

/**
 * Issue 11 acceptance: every HTTP route of the three agent faces, read from the routers the faces
 * really mount (not typed here), called with no, wrong and another user's credentials. The answer
 * is a refusal in the face's own dialect, no agent's state and no interaction changes, and alice
 * never reads bob's data. The XUC CTI socket's commands are walked for rights in
 * test/xivo-rights.test.ts; the CometD endpoint (not a router route) in the Genesys delivery tests.
 */
type Face = 'genesys' | 'huawei' | 'xivo';
interface Route {
  face: Face;
  method: string;
  /** The router's path, e.g. /agentgateway/resource/onlineagent/:agentid/sayfree */
  path: string;
}

const BOB_SECRET = 'bob-walk-secret-7731';
const BOB_ID = 'walk-bob';
const BOB_WORKNO = 202;
const ALICE_WORKNO = 201;

/** fetch refuses these methods (and @koa/router's all() registers every method node knows). */
const UNSENDABLE = new Set(['CONNECT', 'TRACE', 'TRACK']);

const faceOf = (path: string): Face | undefined =>
  path.startsWith('/api/v2') ? 'genesys' : path.startsWith('/agentgateway/resource') ? 'huawei' : path.startsWith('/xuc/api/2.0') ? 'xivo' : undefined;

/** The routes the faces mount on a Koa app, as src/server.ts builds them: each router's method layers. */
async function mountedRoutes(): Promise<Route[]> {
  const dir = mkdtempSync(join(tmpdir(), 'walk-routes-'));
  const config = parseConfig({ server: { port: 0, host: '127.0.0.1' }, embedded: FACES_EMBEDDED }, 'test');
  const engine = new EmbeddedEngine(config.embedded, new SqliteStore(join(dir, 'routes.sqlite')));
  await engine.start();
  const faces = createAgentFaces(config, engine, createLogger({ level: 'error', stdout: false }), doorSecurity(config.security));
  const app = new Koa();
  faces.install(app);
  const routes: Route[] = [];
  try {
    // router.routes() answers a dispatch middleware carrying its router (@koa/router 15: dispatchMiddleware.router = this).
    for (const mw of app.middleware as Array<{ router?: Router }>) {
      for (const layer of mw.router?.stack ?? []) {
        const path = String(layer.path);
        const face = faceOf(path);
        // Layers of router.use() carry no methods; a GET layer also answers HEAD through the same stack.
        if (!face || layer.methods.length === 0) continue;
        for (const method of layer.methods) {
          if (UNSENDABLE.has(method) || (method === 'HEAD' && layer.methods.includes('GET'))) continue;
          routes.push({ face, method, path });
        }
      }
    }
  } finally {
    faces.close();
    await engine.close();
  }
  return routes;
}

/** Sign-in routes: they take a password, not a session; walked with none and a wrong one. */
const isSignIn = (r: Route) => (r.method === 'PUT' && /\/onlineagent\/:agentid(\/loginex|\/forcelogin)?$/.test(r.path)) || r.path.endsWith('/auth/login');

const PARAMS: Record<string, string> = {
  agentid: String(BOB_WORKNO),
  id: BOB_ID,
  callid: BOB_ID,
  channel: 'chat',
  mediaType: 'chat',
  workbin: 'walk-workbin',
  collection: 'walk-collection',
  autoflag: 'true',
  flag: 'true',
  time: '60',
  restcause: '1',
};

function fill(path: string, params: Record<string, string> = PARAMS): string {
  return path.replace(/\{\*\w+\}/g, 'walked/nothing').replace(/:(\w+)/g, (_m, name: string) => {
    const value = params[name];
    assert.ok(value !== undefined, `no value for :${name} of ${path}`);
    return encodeURIComponent(value);
  });
}

/** A body that would act on bob's interaction or bob's sign-in if the guard let it through. */
function bodyFor(r: Route, password?: string): unknown {
  if (r.method === 'GET' || r.method === 'HEAD' || r.method === 'DELETE') return undefined;
  if (isSignIn(r))
    return r.face === 'xivo'
      ? password === undefined
        ? {}
        : { login: 'bob', password }
      : { ...(password === undefined ? {} : { password }), phonenum: '1002' };
  if (r.face === 'genesys') return { operationName: 'Complete' };
  if (r.face === 'huawei') return { callid: BOB_ID, calldata: 'walked' };
  return {};
}

interface Answer {
  status: number;
  text: string;
  body: Record<string, any> | undefined;
}

async function send(url: string, r: Route, path: string, headers: Record<string, string>, body: unknown): Promise<Answer> {
  const res = await fetch(`${url}${path}`, {
    method: r.method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: Record<string, any> | undefined;
  try {
    parsed = text ? (JSON.parse(text) as Record<string, any>) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, body: parsed };
}

/** A refusal in the face's own words. */
function refused(r: Route, a: Answer): boolean {
  if (r.face === 'genesys') return a.status === 401 || a.status === 403 || (typeof a.body?.statusCode === 'number' && a.body.statusCode !== 0);
  // The HEAD of an event poll answers 405 with no body: no retcode to read, and nothing run.
  if (r.face === 'huawei') return (r.method === 'HEAD' && a.status === 405) || (typeof a.body?.retcode === 'string' && a.body.retcode !== '0');
  // XUC: the HTTP status; a sign-in without a body is an InvalidJson 400.
  return a.status === 401 || a.status === 403 || (isSignIn(r) && a.status === 400);
}

describe('security walk: every agent-face route × no, wrong and another user’s credentials', function () {
  this.timeout(120_000);
  let b: TestBridge;
  let routes: Route[];
  let aliceGuid: string;
  let aliceToken: string;

  const snapshot = async () => {
    const states = [];
    for (const u of ['alice', 'bob', 'dave']) states.push(await b.engine.agentState(u));
    const open = await b.engine.openInteractions(1000);
    assert.ok(open.ok);
    return JSON.stringify({ states, open: open.value.map((i) => [i.id, i.status, i.agent?.username]), bob: await b.engine.getInteraction(BOB_ID) });
  };

  before(async () => {
    routes = await mountedRoutes();
    b = await startFacesBridge({
      security: { authFailures: { perIp: 100_000, perUsername: 100_000, windowSeconds: 60 } },
      // An event poll with nothing to deliver answers at once, so the control below does not wait.
      faces: { huawei: { pollWaitSeconds: 0 } },
    });
    // bob, on GWS, holds a chat carrying his secret; alice signs in on Huawei and XUC afterwards so it is bob's.
    const bob = { Authorization: basic('bob', 'bob-pw') };
    assert.equal((await http('POST', `${b.url}/api/v2/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, bob)).body.statusCode, 0);
    assert.equal((await http('POST', `${b.url}/api/v2/me`, { operationName: 'Ready' }, bob)).body.statusCode, 0);
    await soapStart(b, 'CHAT', BOB_ID);
    for (const op of [{ operationName: 'Accept' }, { operationName: 'UpdateUserData', userData: { sessionData: BOB_SECRET } }]) {
      assert.equal((await http('POST', `${b.url}/api/v2/me/interactions/${BOB_ID}`, op, bob)).body.statusCode, 0, op.operationName);
    }
    const alice = new JavaDemo(b.url, ALICE_WORKNO);
    const signedIn = await alice.forceLogin('alice-pw', '1001', false);
    assert.equal(signedIn.entity.retcode, '0', JSON.stringify(signedIn.entity));
    aliceGuid = alice.guid;
    aliceToken = await xucLogin(b.url, 'alice', 'alice-pw');
  });
  after(() => b.close());

  it('the walked routes are the ones the three faces mount', () => {
    const count = (face: Face) => routes.filter((r) => r.face === face).length;
    // Floors, not the exact count: a face that mounted nothing (or a router not found) fails here.
    assert.ok(count('genesys') >= 20, `genesys: ${count('genesys')}`);
    assert.ok(count('huawei') >= 25, `huawei: ${count('huawei')}`);
    assert.ok(count('xivo') >= 2, `xivo: ${count('xivo')}`);
    for (const must of ['GET /api/v2/me', 'PUT /api/v2/interactions/:id', 'GET /agentgateway/resource/agentevent/:agentid', 'GET /xuc/api/2.0/auth/check']) {
      assert.ok(
        routes.some((r) => `${r.method} ${r.path}` === must),
        must,
      );
    }
  });

  it('no credentials and wrong credentials: every route refuses, in its dialect, and nothing changes', async () => {
    const before = await snapshot();
    const wrong: Record<Face, Array<Record<string, string>>> = {
      genesys: [{}, { Authorization: basic('bob', 'not-bob-pw') }, { Cookie: 'JSESSIONID=made-up-session' }],
      huawei: [{}, { guid: 'made-up-guid' }, { Guid: 'JSESSIONID=0123456789abcdef' }],
      xivo: [{}, { Authorization: 'Bearer made-up-token' }],
    };
    const failures: string[] = [];
    for (const r of routes) {
      const path = fill(r.path);
      const cases: Array<{ headers: Record<string, string>; body: unknown; what: string }> = isSignIn(r)
        ? [
            { headers: {}, body: bodyFor(r), what: 'no password' },
            { headers: {}, body: bodyFor(r, 'not-bob-pw'), what: 'a wrong password' },
          ]
        : wrong[r.face].map((headers) => ({ headers, body: bodyFor(r), what: JSON.stringify(headers) }));
      for (const c of cases) {
        const a = await send(b.url, r, path, c.headers, c.body);
        if (!refused(r, a)) failures.push(`${r.method} ${path} with ${c.what}: ${a.status} ${a.text.slice(0, 160)}`);
        if (a.text.includes(BOB_SECRET)) failures.push(`${r.method} ${path} with ${c.what} showed bob's data`);
      }
    }
    assert.deepEqual(failures, []);
    assert.equal(await snapshot(), before, 'no agent state and no interaction changed');
  });

  it("alice's valid credentials on bob's resources: refused, and never bob's data", async () => {
    const before = await snapshot();
    const failures: string[] = [];
    for (const r of routes.filter((x) => !isSignIn(x))) {
      const path = fill(r.path);
      const headers: Record<string, string> =
        r.face === 'genesys'
          ? { Authorization: basic('alice', 'alice-pw') }
          : r.face === 'huawei'
            ? { guid: aliceGuid }
            : { Authorization: `Bearer ${aliceToken}` };
      const a = await send(b.url, r, path, headers, bodyFor(r));
      if (a.text.includes(BOB_SECRET)) failures.push(`${r.method} ${path} showed bob's data to alice`);
      // Every Huawei route names its agent (bob's workno here); on GWS the routes naming bob's interaction.
      const namesBob = r.face === 'huawei' || (r.face === 'genesys' && r.path.includes(':id'));
      if (namesBob && !refused(r, a)) failures.push(`${r.method} ${path} as alice: ${a.status} ${a.text.slice(0, 160)}`);
      // XUC's HTTP routes answer about the caller only (the token's user).
      if (r.face === 'xivo' && /"bob"|Bob Rossi/.test(a.text)) failures.push(`${r.method} ${path} named bob to alice: ${a.text.slice(0, 160)}`);
    }
    assert.deepEqual(failures, []);
    assert.equal(await snapshot(), before, "alice changed nothing of bob's");
  });

  it("the control: with the owner's credentials the same paths reach their handlers (so the refusals above are the guard's)", async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.method === 'GET' && !x.path.includes('{*'))) {
      const owner: Record<Face, Record<string, string>> = {
        genesys: { Authorization: basic('bob', 'bob-pw') },
        huawei: { guid: aliceGuid },
        xivo: { Authorization: `Bearer ${aliceToken}` },
      };
      const path = fill(r.path, { ...PARAMS, agentid: String(ALICE_WORKNO) });
      const a = await send(b.url, r, path, owner[r.face], undefined);
      const guarded =
        r.face === 'genesys'
          ? a.status === 401 || /No resource at/.test(a.text)
          : r.face === 'huawei'
            ? ['000-002', '000-003', '100-006'].includes(String(a.body?.retcode))
            : a.status !== 200;
      if (guarded) failures.push(`${r.method} ${path}: ${a.status} ${a.text.slice(0, 160)}`);
    }
    assert.deepEqual(failures, []);
    const bobReads = await http('GET', `${b.url}/api/v2/interactions/${BOB_ID}`, undefined, { Authorization: basic('bob', 'bob-pw') });
    assert.equal(bobReads.body.statusCode, 0);
    assert.ok(JSON.stringify(bobReads.body).includes(BOB_SECRET), "bob's own read shows his data: the walk's check for it can fire");
  });
});
