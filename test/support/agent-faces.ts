import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startTestBridge, type TestBridge } from './bridge.js';

/** A contact center with agents that can sign in through every agent face. */
export const FACES_EMBEDDED = {
  timeZone: 'Europe/Rome',
  offerTimeoutSeconds: 30,
  channels: [
    {
      id: 1003,
      license: 5000,
      services: [
        { code: 'CHAT', queueId: 10 },
        { code: 'SALES', queueId: 11 },
      ],
    },
    { id: 1, license: 10, mediaType: 'email', services: [{ code: 'MAIL', queueId: 20 }] },
  ],
  agents: [
    {
      username: 'alice',
      displayName: 'Alice Martin',
      password: 'alice-pw',
      agentId: 201,
      line: '1001',
      group: 'support',
      skills: ['CHAT', 'MAIL'],
      capacity: { 1003: 2, 1: 1 },
    },
    {
      username: 'bob',
      displayName: 'Bob Rossi',
      password: 'bob-pw',
      agentId: 202,
      line: '1002',
      group: 'sales',
      skills: ['CHAT', 'SALES'],
      capacity: { 1003: 1 },
    },
    { username: 'carol', displayName: 'Carol White', password: 'carol-pw', profiles: ['supervisor'], supervises: { queues: ['SALES'], groups: ['sales'] } },
    { username: 'dave', password: 'dave-pw', agentId: 203, line: '1003', group: 'support', skills: ['CHAT'], capacity: { 1003: 1 } },
  ],
};

export function startFacesBridge(extra: Record<string, unknown> = {}, embedded: Record<string, unknown> = {}): Promise<TestBridge> {
  return startTestBridge({ embedded: { ...FACES_EMBEDDED, ...embedded }, ...extra });
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** JSON over HTTP, answering status, headers and body. */
export async function http(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json; charset=UTF-8' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
}

/** Poll until `fn` returns something truthy, or fail after `ms`. */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 5000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A session started and queued over SOAP by an integrator (the real node-soap client from the served WSDL). */
export async function soapStart(b: TestBridge, serviceid: string, sessionId: string, channelId = 1003, extra: Record<string, unknown> = {}) {
  const r = await b.soap('startSession', { channelId, serviceid, sessionId, contactValue: '+39055123', ...extra });
  assert.equal(r.result, 'SUCCESS', JSON.stringify(r));
  const accepted = await b.soap('sessionAccept', { sessionId });
  assert.equal(accepted.result, 'SUCCESS', JSON.stringify(accepted));
  return accepted;
}

/** Log every agent out, whatever door they came in by. */
export async function logoutEveryone(b: TestBridge): Promise<void> {
  for (const u of ['alice', 'bob', 'dave']) await b.engine.agentLogout(u);
  const open = await b.engine.openInteractions();
  if (open.ok) for (const i of open.value) await b.engine.complete(i.id, 'caller');
}

export async function soapStatus(b: TestBridge, sessionId: string) {
  return b.soap('checkSessionState', { sessionId });
}

/** A XUC WebSocket client that records every frame. */
export class XucClient {
  readonly frames: Array<{ msgType: string; ctiMessage: any }> = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => this.frames.push(JSON.parse(String(raw))));
  }

  /** `options.autoPong: false`: a client whose pongs never come back, as one whose connection died mid-delivery. */
  static async connect(url: string, token: string, options: WebSocket.ClientOptions = {}): Promise<XucClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/xuc/api/2.0/cti?token=${encodeURIComponent(token)}`, options);
    const c = new XucClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }

  send(command: string, args: Record<string, unknown> = {}): void {
    this.ws.send(JSON.stringify({ claz: 'web', command, ...args }));
  }

  /** The next frame (after `from`) matching, waiting for it. */
  async next(msgType: string, match: (m: any) => boolean = () => true, from = 0, ms = 5000): Promise<any> {
    const frame = await eventually(() => this.frames.slice(from).find((f) => f.msgType === msgType && match(f.ctiMessage)), ms, `${msgType} frame`);
    return frame.ctiMessage;
  }

  get count(): number {
    return this.frames.length;
  }

  /**
   * The frames that answer what was sent before now: the server handles a socket's frames in order,
   * so once the Pong of a ping sent now is back, everything before it has been answered (or not).
   */
  async settle(): Promise<Array<{ msgType: string; ctiMessage: any }>> {
    const from = this.count;
    this.ws.send(JSON.stringify({ claz: 'ping' }));
    await this.next('Pong', () => true, from);
    return this.frames.slice(from).filter((f) => f.msgType !== 'Pong');
  }

  close(): void {
    this.ws.close();
  }
}

export async function xucLogin(url: string, login: string, password: string): Promise<string> {
  const r = await http('POST', `${url}/xuc/api/2.0/auth/login`, { login, password });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.token as string;
}

/** The XUC sockets one suite opens, each past its LoggedOn; `closeAll()` after each test. */
export function xucSockets(url: () => string) {
  const open: XucClient[] = [];
  const connect = async (token: string, options: WebSocket.ClientOptions = {}) => {
    const c = await XucClient.connect(url(), token, options);
    open.push(c);
    await c.next('LoggedOn');
    return c;
  };
  return {
    /** A socket on a token already had. */
    connect,
    /** Log in (the test roster's passwords are `<user>-pw`), then open a socket. */
    login: async (user: string, password = `${user}-pw`) => connect(await xucLogin(url(), user, password)),
    closeAll: () => {
      for (const c of open.splice(0)) c.close();
    },
  };
}

/** The Guid a CC-Gateway sign-in (or poll) answer hands out in `Set-GUID` (`JSESSIONID=<guid>`); '' when none. */
export const guidOf = (r: { headers: Headers }) => (r.headers.get('set-guid') ?? '').replace(/^JSESSIONID=/, '');
