import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BayeuxMessage, NodeAdapter } from 'faye';
import type { AgentEvent } from '../../backends/agent-desk.js';
import type { Logger } from '../../log/logger.js';
import { genesysCaller, mayUseFace, SESSION_COOKIE } from './auth.js';
import type { Delivered } from './acks.js';
import { CometdClient, prefixOf } from './client.js';
import type { CorsPolicy } from './cors.js';
import { genesysMessages, type GenesysMessage } from './events.js';
import { destroyClient, holdSocketDeliveries } from './faye-engine.js';
import type { GenesysFace } from './index.js';
import { ackRelease, ackStart, type AckStart } from './session-cursor.js';
import type { Body } from './wire.js';

export const NOTIFICATIONS_PATH = '/api/v2/notifications';

/** The agent event a notification tells of rides with it through faye, and is taken off before it leaves. */
const EVENT_FIELD = 'mccEvent';

/** Agent events read from the store per page when a client is given what its session is owed. */
const PAGE = 200;

/** What the face sets on a CometD request before faye sees it. */
export type NotificationRequest = IncomingMessage & {
  /** The base URL the request's resources are named by. */
  mccBase?: string;
  /** The client's address as Koa reads it (X-Forwarded-For only behind a trusted proxy), for the throttle. */
  mccIp?: string;
  /** Who the handshake authenticated. */
  mccUser?: string;
  /** Notifications faye put in this /meta/connect answer (channel as published, data, agent event). */
  mccDelivered?: Delivered[];
  /** The handshake asked for the acknowledgement extension (acks.ts). */
  mccAck?: boolean;
  /** The client of this /meta/connect, when it acknowledges. */
  mccAcked?: boolean;
  /** Where the handshake's client starts, when it acknowledges (session-cursor.ts). */
  mccStart?: AckStart | undefined;
};

/** How often clients of users a reload removed or disabled are looked for. */
const SWEEP_MS = 1000;

/**
 * GWS notifications over a real Bayeux server (faye) at /api/v2/notifications: long-polling and
 * WebSocket, handshake authenticated by HTTP Basic (through the shared failed-authentication
 * throttle) or the JSESSIONID cookie, and per-user topics (/v2/me/devices, /v2/me/channels,
 * /v2/me/chats, /v2/me/workitems, /v2/me/interactions, /v2/me/workbins, …) with the wildcard
 * subscriptions real clients use (/v2/me/*, /**). Clients cannot publish.
 *
 * Delivery: a client that acknowledges (the CometD ack extension, acks.ts) gets every notification
 * in a /meta/connect answer, on long-polling and WebSocket alike, and is given again, once,
 * whatever an answer it does not acknowledge carried. What it acknowledges moves its agent
 * session's cursor (the JSESSIONID's, session-cursor.ts); a client faye forgot, handshaking anew
 * on that session, first gets the agent events past the cursor, once. For the others, a long poll
 * whose connection is gone when faye answers it (or that closes before the answer is written out)
 * did not deliver; its notifications are given again to that client, whose next /meta/connect
 * gets them once. A client that got an answer is never sent its content again.
 */
export class GenesysNotifications {
  private bayeux: NodeAdapter | undefined;
  private loading: Promise<NodeAdapter> | undefined;
  private readonly clients = new Map<string, CometdClient>(); // by clientId
  private readonly watches = new Map<string, () => void>(); // feed listeners, by username
  /** Per user, what turns its events into notifications, one after another in log order. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Clients ended because their user is gone: their next /meta/connect answer tells them not to come back. */
  private readonly revoked = new Set<string>();
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly face: GenesysFace,
    private readonly cors: CorsPolicy,
    private readonly logger: Logger,
  ) {}

  /** The Bayeux server, loaded when the first CometD client comes (faye is the bridge's largest module). */
  private adapter(): Promise<NodeAdapter> {
    this.loading ??= import('faye').then(({ default: faye }) => {
      const bayeux = new faye.NodeAdapter({ mount: NOTIFICATIONS_PATH, timeout: 25 });
      bayeux.addExtension({
        incoming: (message, request, callback) => void this.incoming(message, request, callback),
        outgoing: (message, request, pass) => pass(this.outgoing(message, request)),
      });
      bayeux.bind('disconnect', (clientId) => this.forget(clientId));
      holdSocketDeliveries(
        bayeux,
        (clientId) => this.clients.get(clientId)?.acks !== undefined,
        (clientId, socket) => {
          const client = this.clients.get(clientId);
          if (client) client.socket = socket;
        },
      );
      this.bayeux = bayeux;
      return bayeux;
    });
    return this.loading;
  }

  handles(path: string): boolean {
    return path === NOTIFICATIONS_PATH || path.startsWith(`${NOTIFICATIONS_PATH}/`);
  }

  /** A long-poll request; `base` is the URL its resources are named by (publicUrl or its own origin). */
  async handle(req: IncomingMessage, res: ServerResponse, base: string, ip: string): Promise<void> {
    const refuse = (status: number, message: string, headers: Record<string, string> = {}) =>
      void res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify({ error: message }));
    // Stopping: a client reconnecting after its long poll was answered is not held again.
    if (this.closed) return refuse(503, 'the bridge is stopping', { Connection: 'close' });
    // faye would answer any origin with CORS headers that let its page read the agent's
    // notifications (credentials included): only the face's own origin and the allowed ones (cors.ts).
    if (this.cors.refuses(req, base)) return refuse(403, 'cross-origin notifications are not served to this origin');
    // Bayeux messages come as JSON POSTs (or over the WebSocket): faye would also read form bodies and
    // JSON-P GETs, which any web page can send with the agent's credentials and, for JSON-P, read.
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (req.method === 'POST' && type !== 'application/json') return refuse(415, 'Content-Type must be application/json');
    if (req.method === 'GET' && new URL(req.url ?? '/', 'http://x').searchParams.has('message')) return refuse(405, 'JSON-P is not served: POST JSON');
    const carrier = req as NotificationRequest;
    carrier.mccBase = base;
    carrier.mccIp = ip;
    carrier.mccDelivered = [];
    this.watchDelivery(carrier, res);
    (await this.adapter()).handle(req, res);
  }

  /**
   * Notice a long poll that did not deliver: its connection was gone when faye wrote the answer, or
   * closed before the answer was all written. Whatever it carried goes to that client again.
   */
  private watchDelivery(req: NotificationRequest, res: ServerResponse): void {
    let lost = false;
    const redeliver = () => {
      // A client that acknowledges says itself what it lacks (acks.ts).
      if (lost || req.mccAcked) return;
      lost = true;
      for (const m of req.mccDelivered ?? []) this.again(m);
    };
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      if (req.socket.destroyed) redeliver();
      return end(...args);
    }) as typeof res.end;
    res.once('close', () => {
      if (res.writableEnded && !res.writableFinished) redeliver();
    });
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, base: string, ip: string): Promise<void> {
    if (this.closed || this.cors.refuses(req, base)) return void socket.destroy();
    Object.assign(req as NotificationRequest, { mccBase: base, mccIp: ip });
    (await this.adapter()).handleUpgrade(req, socket, head);
  }

  /** Publish one GWS message to every CometD client of a user. */
  notify(username: string, topic: string, data: Body): void {
    for (const client of this.clients.values()) if (client.username === username) this.publishTo(client, [{ topic, data }], 0);
  }

  /** Notifications of agent event `event` (0: of none) to one client. */
  private publishTo(client: CometdClient, messages: GenesysMessage[], event: number): void {
    const fresh = client.fresh(messages);
    const channels = fresh.map((m) => client.channel(m.topic));
    // Counted before faye has them: an acknowledgement may come before the last is published.
    client.acks?.handed(event, client.delivers(channels));
    fresh.forEach((m, i) => this.again({ channel: channels[i] as string, data: m.data, event }));
  }

  /** A notification to faye, its agent event with it. */
  private again(m: Delivered): void {
    this.bayeux?.getClient().publish(m.channel, { ...m.data, [EVENT_FIELD]: m.event });
  }

  /** Stopping: faye answers every held /meta/connect and closes every WebSocket; no new ones are held. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const stop of this.watches.values()) stop();
    this.watches.clear();
    this.bayeux?.close();
    // faye closes the WebSockets it knows; it was not given those of clients that acknowledge.
    for (const client of this.clients.values()) client.socket?.close();
  }

  private async incoming(message: BayeuxMessage, request: IncomingMessage | undefined, callback: (m: BayeuxMessage) => void) {
    if (!request) return callback(message); // the server's own publishing client
    if (message.channel === '/meta/handshake') {
      const caller = await this.authenticate(request);
      if (caller === undefined) message.error = '401::Access denied';
      else if ('wait' in caller) message.error = `429:${caller.wait}:Too many failed authentications`;
      else {
        const ack = message.ext?.ack === true;
        const start = ack ? await ackStart(this.face, caller.user.username, cookieOf(request)).catch(() => undefined) : undefined;
        Object.assign(request as NotificationRequest, { mccUser: caller.user.username, mccAck: ack, mccStart: start });
      }
      return callback(message);
    }
    if (message.channel === '/meta/subscribe' || message.channel === '/meta/unsubscribe') {
      const clientId = message.clientId ?? '';
      if (!this.clients.has(clientId)) {
        message.error = '401::Handshake first';
        return callback(message);
      }
      const prefix = prefixOf(clientId);
      const channels = ([] as string[]).concat(message.subscription ?? []);
      if (!channels.every((c) => c.startsWith('/v2/') || c === '/**' || c === '/*')) {
        message.error = `403:${channels.join(',')}:Only the /v2/me topics can be subscribed`;
        return callback(message);
      }
      message.subscription = channels.map((c) => `${prefix}${c}`);
      return callback(message);
    }
    if (message.channel === '/meta/connect') this.acknowledged(message, request);
    if (message.channel === '/meta/disconnect') this.leaving(message.clientId ?? '');
    if (!message.channel.startsWith('/meta/')) message.error = '403::Clients cannot publish';
    return callback(message);
  }

  /**
   * A /meta/connect of a client that acknowledges: what its last answers lost is published to it
   * again, once, and what it has moves its session's cursor. The first one once it subscribes
   * starts what its session is owed (faye drops what is published to no subscription). Its
   * subscriptions are those its handshake listener made, as the CometD docs advise; on
   * long-polling they may come just after its first /meta/connect, never after its second.
   */
  private acknowledged(message: BayeuxMessage, request: NotificationRequest): void {
    const clientId = message.clientId ?? '';
    const client = this.clients.get(clientId);
    const acks = client?.acks;
    if (client === undefined || acks === undefined) return;
    request.mccAcked = true;
    const batch = message.ext?.ack;
    for (const m of acks.acknowledge(typeof batch === 'number' ? batch : 0)) this.again(m);
    if (client.owedFrom !== undefined && client.subscribes()) this.catchUp(client, client.owedFrom);
    const { token } = acks;
    const proven = acks.proven();
    // Two desktops on one session share its cursor: the successor of one that was lost starts where
    // the furthest of them stands (what only the lost one lacked is not sent again).
    if (token === undefined || proven <= client.saved) return;
    client.saved = proven;
    void this.face.engine.sessions.advanceCursor(token, proven).then((out) => {
      if (!out.ok) this.logger.warn('genesys cursor not saved', { username: client.username, reason: out.reason });
    });
  }

  /** A client that acknowledges says goodbye: when it is its session's last, the next client there is owed nothing. */
  private leaving(clientId: string): void {
    const token = this.clients.get(clientId)?.acks?.token;
    if (token === undefined) return;
    if ([...this.clients].some(([id, c]) => id !== clientId && c.acks?.token === token)) return;
    ackRelease(this.face, token).catch((err: unknown) => this.logger.warn('genesys session not released', { error: err }));
  }

  /** What the client's session is owed, oldest first, before any live event; then the live ones. */
  private catchUp(client: CometdClient, after: number): void {
    client.owedFrom = undefined;
    this.enqueue(client.username, async () => {
      try {
        for (let from = after; ;) {
          const page = await this.face.engine.agentEvents(client.username, from, PAGE);
          if (!page.ok) return; // the store is down: the live events carry on, the cursor stays
          for (const e of page.value) {
            await this.publish(e, [client]);
            from = e.id;
          }
          if (page.value.length < PAGE) return;
        }
      } finally {
        client.catchingUp = false;
      }
    });
  }

  /** Give clients the GWS names back; remember who a new client is and what each long poll carries. */
  private outgoing(message: BayeuxMessage, request: IncomingMessage | undefined): BayeuxMessage {
    const carrier = (request ?? {}) as NotificationRequest;
    const { mccUser: username, mccBase: base } = carrier;
    if (message.channel === '/meta/handshake') {
      if (message.successful && message.clientId && username !== undefined && base !== undefined) {
        this.remember(message.clientId, username, base, carrier.mccAck === true ? carrier.mccStart : false);
        if (carrier.mccAck) message.ext = { ...message.ext, ack: true };
      }
      // Refused: a client retrying with the same credentials would only spend the throttle's budget.
      if (!message.successful) message.advice = { reconnect: 'none' };
    }
    if (message.channel === '/meta/connect' && message.clientId !== undefined && this.revoked.delete(message.clientId)) {
      Object.assign(message, { successful: false, error: '401::The agent can no longer sign in', advice: { reconnect: 'none' } });
    }
    if (message.channel === '/meta/connect' && message.successful && message.clientId !== undefined) {
      const acks = this.clients.get(message.clientId)?.acks;
      if (acks !== undefined) {
        // What this answer carries (the messages after it) is this batch's.
        const { batch, carried } = acks.open();
        message.ext = { ...message.ext, ack: batch };
        carrier.mccDelivered = carried;
      }
    }
    if ((message.channel === '/meta/subscribe' || message.channel === '/meta/unsubscribe') && message.successful) {
      this.clients.get(message.clientId ?? '')?.subscribed(([] as string[]).concat(message.subscription ?? []), message.channel === '/meta/subscribe');
    }
    if (!message.channel.startsWith('/meta/') && message.data !== undefined) {
      const { [EVENT_FIELD]: event, ...data } = message.data as Body;
      message.data = data;
      carrier.mccDelivered?.push({ channel: message.channel, data, event: typeof event === 'number' ? event : 0 });
    }
    const strip = (c: string) => (c.startsWith('/c/') ? c.slice(c.indexOf('/', 3)) : c);
    if (typeof message.subscription === 'string') message.subscription = strip(message.subscription);
    else if (Array.isArray(message.subscription)) message.subscription = message.subscription.map(strip);
    if (!message.channel.startsWith('/meta/')) message.channel = strip(message.channel);
    return message;
  }

  private authenticate(request: IncomingMessage) {
    return genesysCaller(
      this.face,
      (request as NotificationRequest).mccIp ?? request.socket.remoteAddress ?? '',
      request.headers.authorization,
      cookieOf(request),
    );
  }

  /** `acks`: false for a client that does not acknowledge; else where it starts, if its session is known. */
  private remember(clientId: string, username: string, base: string, acks: AckStart | false | undefined): void {
    this.clients.set(clientId, new CometdClient(clientId, username, base, acks));
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
    if (this.watches.has(username)) return;
    const stopped = () => undefined;
    this.watches.set(username, stopped);
    void this.face.feed
      .on(username, (e) => this.enqueue(username, () => this.publish(e)))
      .then((stop) => {
        if (this.watches.get(username) === stopped) this.watches.set(username, stop);
        else stop();
      });
  }

  private forget(clientId: string): void {
    const client = this.clients.get(clientId);
    if (client === undefined) return;
    this.clients.delete(clientId);
    // faye closes a forgotten client's WebSocket once its last answers are written (the one to
    // /meta/disconnect, the held /meta/connect it flushes: engines/proxy.js on 'close'); it was not
    // given those of clients that acknowledge.
    const { socket } = client;
    if (socket) setImmediate(() => socket.close());
    if ([...this.clients.values()].some((c) => c.username === client.username)) return;
    this.watches.get(client.username)?.();
    this.watches.delete(client.username);
    this.chains.delete(client.username);
  }

  /** Events of one agent are turned into notifications one after another, in log order. */
  private enqueue(username: string, job: () => Promise<void>): void {
    const chain = (this.chains.get(username) ?? Promise.resolve()).then(job).catch((err: unknown) => {
      this.logger.warn('genesys notification failed', { username, error: err });
    });
    this.chains.set(username, chain);
  }

  /**
   * A reload (SIGHUP) that removes an agent or leaves it without a password ends its CometD
   * clients (issue 11.7): faye forgets them, answering a held /meta/connect at once, and their next
   * connect is told not to come back.
   */
  private sweep(): void {
    for (const [clientId, client] of this.clients) {
      if (mayUseFace(this.face.directory.user(client.username))) continue;
      this.revoked.add(clientId);
      if (this.bayeux) destroyClient(this.bayeux, clientId);
      this.forget(clientId);
    }
  }

  /**
   * One agent event as GWS notifications, to each of that agent's clients (or to `to`), named by
   * the client's own base URL. A client still to be given what its session is owed, or that was
   * given this event already (catching up), is not sent it now.
   */
  private async publish(e: AgentEvent, to?: CometdClient[]): Promise<void> {
    const bases = new Map<string, CometdClient[]>();
    for (const client of to ?? this.clients.values()) {
      if (client.wants(e, to === undefined)) bases.set(client.base, [...(bases.get(client.base) ?? []), client]);
    }
    for (const [base, clients] of bases) {
      const messages = await genesysMessages(this.face, base, e);
      for (const client of clients) this.publishTo(client, messages, e.id);
    }
  }
}

/** The JSESSIONID a request carries. */
function cookieOf(request: IncomingMessage): string | undefined {
  return (request.headers.cookie ?? '')
    .split(/;\s*/)
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    ?.slice(SESSION_COOKIE.length + 1);
}
