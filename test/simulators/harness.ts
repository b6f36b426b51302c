import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { noFaults, SimCenter, type SimFaults, type SimSetup } from './core.js';

/**
 * What every vendor simulator process shares: its setup file, the control endpoint tests drive
 * (`/_sim/…`: faults, agents at their desks, dropped connections, expired sessions) and the fault
 * injection in front of the vendor routes. Run as `node <sim>.js <setup.json> [port]`; it prints
 * `{"listening":<port>}` once ready.
 */

export interface SimRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: unknown;
}

export interface SimSkin {
  /** Answer a vendor request; false when the path is not the vendor's. */
  handle(r: SimRequest): Promise<boolean>;
  /** Drop every push connection (CometD client, WebSocket). */
  drop(): void;
  /** Forget every session, token or Guid: clients must authenticate again. */
  expire(): void;
  attach?(server: Server): void;
  /** Take a request before its body is read (a Bayeux server reads it itself); true when taken. */
  raw?(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return Symbol.for('invalid json');
  }
}

export const INVALID_JSON = Symbol.for('invalid json');

/** Start a simulator: the setup from argv[2], the port from argv[3] (0 = any). */
export async function runSimulator(makeSkin: (center: SimCenter, faults: SimFaults) => SimSkin): Promise<void> {
  const setup = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as SimSetup;
  const center = new SimCenter(setup);
  const faults = noFaults();
  const skin = makeSkin(center, faults);
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sim');
      if (url.pathname.startsWith('/_sim/')) return control(center, faults, skin, url, await readBody(req), res);
      if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
      if (faults.fail5xx) return send(res, 503, { error: 'simulated outage' });
      if (faults.malformed) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"statusCode":0, this is not json');
      }
      if (skin.raw?.(req, res, url)) return;
      const body = await readBody(req);
      if (!(await skin.handle({ req, res, url, body }))) send(res, 404, { error: `no ${req.method} ${url.pathname}` });
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(e) });
    });
  });
  skin.attach?.(server);
  server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ listening: typeof address === 'object' && address ? address.port : 0 })}\n`);
  });
}

/** The control endpoint: what a test does to the simulated platform and its agents. */
function control(center: SimCenter, faults: SimFaults, skin: SimSkin, url: URL, body: unknown, res: ServerResponse): void {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, any>;
  const [, , what, id, action, target] = url.pathname.split('/');
  if (what === 'faults') {
    Object.assign(faults, b);
    return send(res, 200, faults);
  }
  if (what === 'drop') {
    skin.drop();
    return send(res, 200, { dropped: true });
  }
  if (what === 'expire') {
    skin.expire();
    return send(res, 200, { expired: true });
  }
  if (what === 'interactions') return send(res, 200, [...center.interactions.values()]);
  if (what === 'queues' && id) {
    const q = center.queues.get(decodeURIComponent(id));
    if (q && typeof b.open === 'boolean') q.open = b.open;
    return send(res, q ? 200 : 404, q ?? {});
  }
  if (what === 'agents' && id) {
    const agentId = decodeURIComponent(id);
    const a = center.agents.get(agentId);
    if (!a) return send(res, 404, { error: 'no such agent' });
    const i = target ? center.interactions.get(decodeURIComponent(target)) : undefined;
    let error: string | undefined;
    switch (action) {
      case 'login':
        a.autoAnswer = b.autoAnswer === true;
        center.login(agentId, b.ready !== false, b.line);
        break;
      case 'ready':
        center.setReady(agentId, true);
        break;
      case 'notready':
        center.setReady(agentId, false, b.reason);
        break;
      case 'logout':
        center.logout(agentId);
        break;
      case 'accept':
        error = i ? center.accept(i, agentId) : 'no such interaction';
        break;
      case 'reject':
        error = i ? center.reject(i, agentId) : 'no such interaction';
        break;
      case 'complete':
        if (i) center.complete(i);
        else error = 'no such interaction';
        break;
      case 'data':
        if (i) center.setData(i, b);
        else error = 'no such interaction';
        break;
      default:
        error = `unknown action ${action}`;
    }
    return send(res, error ? 409 : 200, error ? { error } : a);
  }
  send(res, 404, { error: 'unknown control' });
}
