import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BayeuxMessage, NodeAdapter } from 'faye';
import type { AgentDesk } from '../../backends/agent-desk.js';
import type { Logger } from '../../log/logger.js';
import type { AgentEvent } from '../../backends/agent-desk.js';
import type { AgentRoster } from '../../backends/agent-desk.js';
import type { AgentEventFeed } from '../agents/feed.js';
import { genesysCaller, SESSION_COOKIE } from './auth.js';
import { channelResources, deviceResource, interactionResource, type Body } from './shapes.js';

export const NOTIFICATIONS_PATH = '/api/v2/notifications';

/** Each user's topics live under a private prefix; clients see the GWS names (/v2/me/…). */
const prefixOf = (username: string) => `/u/${Buffer.from(username, 'utf8').toString('hex')}`;

const interactionStates: Partial<Record<AgentEvent['kind'], string>> = {
  OFFERED: 'Invited',
  ASSIGNED: 'Processing',
  RELEASED: 'Revoked',
  CLOSED: 'Completed',
  PARKED: 'InWorkbin',
};

/**
 * GWS notifications over a real Bayeux server (faye) at /api/v2/notifications: long-polling and
 * WebSocket, handshake authenticated by HTTP Basic or the JSESSIONID cookie, and per-user topics
 * (/v2/me/devices, /v2/me/channels, /v2/me/interactions, /v2/me/workbins) with the wildcard
 * subscriptions real clients use (/v2/me/*, /**). Clients cannot publish.
 */
export class GenesysNotifications {
  private bayeux: NodeAdapter | undefined;
  private loading: Promise<NodeAdapter> | undefined;
  private readonly users = new Map<string, string>(); // clientId → username
  private readonly watches = new Map<string, { clients: number; stop: () => void }>();

  constructor(
    private readonly engine: AgentDesk,
    private readonly dir: AgentRoster,
    private readonly feed: AgentEventFeed,
    private readonly logger: Logger,
    private readonly base: () => string,
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

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    (await this.adapter()).handle(req, res);
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    (await this.adapter()).handleUpgrade(req, socket, head);
  }

  /** Publish one GWS message to every CometD client of a user. */
  notify(username: string, topic: string, data: Body): void {
    if (this.watches.has(username)) this.bayeux?.getClient().publish(`${prefixOf(username)}${topic}`, data);
  }

  close(): void {
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
    this.bayeux?.close();
  }

  private async incoming(message: BayeuxMessage, request: IncomingMessage | undefined, callback: (m: BayeuxMessage) => void) {
    if (!request) return callback(message); // the server's own publishing client
    if (message.channel === '/meta/handshake') {
      const username = await this.authenticate(request);
      if (username === undefined) message.error = '401::Access denied';
      else (request as IncomingMessage & { mccUser?: string }).mccUser = username;
      return callback(message);
    }
    if (message.channel === '/meta/subscribe' || message.channel === '/meta/unsubscribe') {
      const username = this.users.get(message.clientId ?? '');
      if (username === undefined) {
        message.error = '401::Handshake first';
        return callback(message);
      }
      const prefix = prefixOf(username);
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
    const username = (request as (IncomingMessage & { mccUser?: string }) | undefined)?.mccUser;
    if (message.channel === '/meta/handshake' && message.successful && message.clientId && username !== undefined) this.remember(message.clientId, username);
    const strip = (c: string) => (c.startsWith('/u/') ? c.slice(c.indexOf('/', 3)) : c);
    if (typeof message.subscription === 'string') message.subscription = strip(message.subscription);
    else if (Array.isArray(message.subscription)) message.subscription = message.subscription.map(strip);
    if (!message.channel.startsWith('/meta/')) message.channel = strip(message.channel);
    return message;
  }

  private async authenticate(request: IncomingMessage): Promise<string | undefined> {
    const cookie = (request.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
    return (await genesysCaller(this.engine, this.dir, request.headers.authorization, cookie))?.user.username;
  }

  private remember(clientId: string, username: string): void {
    this.users.set(clientId, username);
    const w = this.watches.get(username);
    if (w) {
      w.clients++;
      return;
    }
    const entry = { clients: 1, stop: () => undefined as void };
    this.watches.set(username, entry);
    // Events of one agent are turned into notifications one after another, in log order.
    let chain = Promise.resolve();
    void this.feed.on(username, (e) => {
      chain = chain.then(() => this.publish(username, e)).catch((err: unknown) => {
        this.logger.warn('genesys notification failed', { username, error: err });
      });
    }).then((stop) => {
      if (this.watches.get(username) === entry) entry.stop = stop;
      else stop();
    });
  }

  private forget(clientId: string): void {
    const username = this.users.get(clientId);
    if (username === undefined) return;
    this.users.delete(clientId);
    const w = this.watches.get(username);
    if (w && --w.clients === 0) {
      w.stop();
      this.watches.delete(username);
    }
  }

  /** One agent event as GWS messages: state changes on devices and channels, interactions on theirs. */
  private async publish(username: string, e: AgentEvent): Promise<void> {
    const user = this.dir.user(username);
    if (!user) return;
    if (e.kind === 'LOGGED_IN' || e.kind === 'LOGGED_OUT' || e.kind === 'READY' || e.kind === 'NOT_READY') {
      const state = await this.engine.agentState(username);
      if (!state.ok) return;
      this.notify(username, '/v2/me/devices', { messageType: 'DeviceStateChangeMessage', devices: [deviceResource(state.value, this.base())] });
      this.notify(username, '/v2/me/channels', { messageType: 'ChannelStateChangeMessageV2', channels: channelResources(state.value, this.dir, this.dir.workChannels(user)) });
      return;
    }
    if (e.sessionId === undefined) return;
    const found = await this.engine.getInteraction(e.sessionId);
    if (!found.ok) return;
    const state = interactionStates[e.kind];
    const interaction = interactionResource(found.value, this.dir, this.base(), username, state);
    const notificationType = e.kind === 'UPDATED' ? 'PropertiesUpdated' : 'StatusChange';
    this.notify(username, '/v2/me/interactions', { messageType: 'InteractionStateMessage', notificationType, interaction });
    if (e.kind === 'PARKED') this.notify(username, '/v2/me/workbins', { messageType: 'WorkbinStateChangeMessage', action: 'ItemAdded', id: e.reason, interaction });
  }
}
