import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BayeuxMessage, NodeAdapter } from 'faye';
import type { AgentEvent } from '../../backends/agent-desk.js';
import type { Logger } from '../../log/logger.js';
import { genesysCaller, SESSION_COOKIE } from './auth.js';
import { genesysMessages } from './events.js';
import type { GenesysFace } from './index.js';
import type { Body } from './wire.js';

export const NOTIFICATIONS_PATH = '/api/v2/notifications';

/**
 * Each user's topics live under a private prefix; clients see the GWS names (/v2/me/…). The prefix
 * also names the base URL the client's handshake came in on, so a client's notifications name
 * resources by its own origin, never by another request's Host.
 */
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const prefixOf = (username: string, base: string) => `/u/${hex(username)}-${hex(base)}`;

/** The base URL of a CometD request, set by the face before faye sees it (index.ts). */
export type NotificationRequest = IncomingMessage & { mccBase?: string; mccUser?: string };

/**
 * A browser request from a page of another origin. faye would answer it with CORS headers that let
 * that page read the agent's notifications (credentials included); GWS serves no other origin
 * unless configured to, and neither does the bridge.
 */
const foreign = (req: IncomingMessage, base: string) => req.headers.origin !== undefined && req.headers.origin !== new URL(base).origin;

interface Watch {
  /** Connected clients per base URL. */
  bases: Map<string, number>;
  stop: () => void;
}

/**
 * GWS notifications over a real Bayeux server (faye) at /api/v2/notifications: long-polling and
 * WebSocket, handshake authenticated by HTTP Basic or the JSESSIONID cookie, and per-user topics
 * (/v2/me/devices, /v2/me/channels, /v2/me/interactions, /v2/me/workbins) with the wildcard
 * subscriptions real clients use (/v2/me/*, /**). Clients cannot publish.
 */
export class GenesysNotifications {
  private bayeux: NodeAdapter | undefined;
  private loading: Promise<NodeAdapter> | undefined;
  private readonly clients = new Map<string, { username: string; base: string }>(); // by clientId
  private readonly watches = new Map<string, Watch>(); // by username
  private closed = false;

  constructor(
    private readonly face: GenesysFace,
    private readonly logger: Logger,
  ) {}

  /** The Bayeux server, loaded when the first CometD client comes (faye is the bridge's largest module). */
  private adapter(): Promise<NodeAdapter> {
    this.loading ??= import('faye').then(({ default: faye }) => {
      const bayeux = new faye.NodeAdapter({ mount: NOTIFICATIONS_PATH, timeout: 25 });
      bayeux.addExtension({
        incoming: (message, request, callback) => void this.incoming(message, request, callback),
        outgoing: (message, request, callback) => callback(this.outgoing(message, request)),
      });
      bayeux.bind('disconnect', (clientId) => this.forget(clientId));
      this.bayeux = bayeux;
      return bayeux;
    });
    return this.loading;
  }

  handles(path: string): boolean {
    return path === NOTIFICATIONS_PATH || path.startsWith(`${NOTIFICATIONS_PATH}/`);
  }

  /** A long-poll request; `base` is the URL its resources are named by (publicUrl or its own origin). */
  async handle(req: IncomingMessage, res: ServerResponse, base: string): Promise<void> {
    const refuse = (status: number, message: string, headers: Record<string, string> = {}) =>
      void res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify({ error: message }));
    // Stopping: a client reconnecting after its long poll was answered is not held again.
    if (this.closed) return refuse(503, 'the bridge is stopping', { Connection: 'close' });
    if (foreign(req, base)) return refuse(403, 'cross-origin notifications are not served');
    // Bayeux messages come as JSON POSTs (or over the WebSocket): faye would also read form bodies and
    // JSON-P GETs, which any web page can send with the agent's credentials and, for JSON-P, read.
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (req.method === 'POST' && type !== 'application/json') return refuse(415, 'Content-Type must be application/json');
    if (req.method === 'GET' && new URL(req.url ?? '/', 'http://x').searchParams.has('message')) return refuse(405, 'JSON-P is not served: POST JSON');
    (req as NotificationRequest).mccBase = base;
    (await this.adapter()).handle(req, res);
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, base: string): Promise<void> {
    if (this.closed || foreign(req, base)) return void socket.destroy();
    (req as NotificationRequest).mccBase = base;
    (await this.adapter()).handleUpgrade(req, socket, head);
  }

  /** Publish one GWS message to every CometD client of a user. */
  notify(username: string, topic: string, data: Body): void {
    for (const base of this.watches.get(username)?.bases.keys() ?? []) this.publishTo(username, base, topic, data);
  }

  private publishTo(username: string, base: string, topic: string, data: Body): void {
    this.bayeux?.getClient().publish(`${prefixOf(username, base)}${topic}`, data);
  }

  /** Stopping: faye answers every held /meta/connect and closes every WebSocket; no new ones are held. */
  close(): void {
    this.closed = true;
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
    this.bayeux?.close();
  }

  private async incoming(message: BayeuxMessage, request: IncomingMessage | undefined, callback: (m: BayeuxMessage) => void) {
    if (!request) return callback(message); // the server's own publishing client
    if (message.channel === '/meta/handshake') {
      const username = await this.authenticate(request);
      if (username === undefined) message.error = '401::Access denied';
      else (request as NotificationRequest).mccUser = username;
      return callback(message);
    }
    if (message.channel === '/meta/subscribe' || message.channel === '/meta/unsubscribe') {
      const client = this.clients.get(message.clientId ?? '');
      if (client === undefined) {
        message.error = '401::Handshake first';
        return callback(message);
      }
      const prefix = prefixOf(client.username, client.base);
      const channels = ([] as string[]).concat(message.subscription ?? []);
      if (!channels.every((c) => c.startsWith('/v2/') || c === '/**' || c === '/*')) {
        message.error = `403:${channels.join(',')}:Only the /v2/me topics can be subscribed`;
        return callback(message);
      }
      message.subscription = channels.map((c) => (c === '/*' ? `${prefix}/*` : `${prefix}${c}`));
      return callback(message);
    }
    if (!message.channel.startsWith('/meta/')) message.error = '403::Clients cannot publish';
    return callback(message);
  }

  /** Give clients the GWS names back; remember who a new client is. */
  private outgoing(message: BayeuxMessage, request: IncomingMessage | undefined): BayeuxMessage {
    const { mccUser: username, mccBase: base } = (request ?? {}) as NotificationRequest;
    if (message.channel === '/meta/handshake' && message.successful && message.clientId && username !== undefined && base !== undefined) {
      this.remember(message.clientId, username, base);
    }
    const strip = (c: string) => (c.startsWith('/u/') ? c.slice(c.indexOf('/', 3)) : c);
    if (typeof message.subscription === 'string') message.subscription = strip(message.subscription);
    else if (Array.isArray(message.subscription)) message.subscription = message.subscription.map(strip);
    if (!message.channel.startsWith('/meta/')) message.channel = strip(message.channel);
    return message;
  }

  private async authenticate(request: IncomingMessage): Promise<string | undefined> {
    const cookie = (request.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
    return (await genesysCaller(this.face.engine, this.face.directory, request.headers.authorization, cookie))?.user.username;
  }

  private remember(clientId: string, username: string, base: string): void {
    this.clients.set(clientId, { username, base });
    const w = this.watches.get(username);
    if (w) {
      w.bases.set(base, (w.bases.get(base) ?? 0) + 1);
      return;
    }
    const entry: Watch = { bases: new Map([[base, 1]]), stop: () => undefined };
    this.watches.set(username, entry);
    // Events of one agent are turned into notifications one after another, in log order.
    let chain = Promise.resolve();
    void this.face.feed.on(username, (e) => {
      chain = chain.then(() => this.publish(username, e)).catch((err: unknown) => {
        this.logger.warn('genesys notification failed', { username, error: err });
      });
    }).then((stop) => {
      if (this.watches.get(username) === entry) entry.stop = stop;
      else stop();
    });
  }

  private forget(clientId: string): void {
    const client = this.clients.get(clientId);
    if (client === undefined) return;
    this.clients.delete(clientId);
    const w = this.watches.get(client.username);
    if (!w) return;
    const left = (w.bases.get(client.base) ?? 1) - 1;
    if (left > 0) w.bases.set(client.base, left);
    else w.bases.delete(client.base);
    if (w.bases.size === 0) {
      w.stop();
      this.watches.delete(client.username);
    }
  }

  /** One agent event as GWS notifications, to that agent's clients, each named by the client's own base URL. */
  private async publish(username: string, e: AgentEvent): Promise<void> {
    for (const base of [...(this.watches.get(username)?.bases.keys() ?? [])]) {
      for (const m of await genesysMessages(this.face, base, e)) this.publishTo(username, base, m.topic, m.data);
    }
  }
}
