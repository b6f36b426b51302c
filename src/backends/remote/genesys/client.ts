import { adapt } from 'cometd-nodejs-client';
import { CometD, type Message } from 'cometd';
import { genesysReasons, type Reason } from '../../../reasons/index.js';
import type { InteractionStatus } from '../../../contract/index.js';
import type { QueueState, Submission, VendorClient, VendorLink, VendorStatus } from '../client.js';
import { VendorError } from '../errors.js';

adapt(); // the CometD client needs XMLHttpRequest and WebSocket, which Node lacks

export interface GenesysOptions {
  url: string;
  username: string;
  password: string;
}

type Body = Record<string, unknown>;

/** GWS interaction states in the bridge's statuses (genesys.md §4). */
function statusOf(resource: Body): VendorStatus {
  const state = String(resource.state ?? '');
  const agentId = typeof resource.agent === 'string' ? resource.agent : undefined;
  const map: Record<string, InteractionStatus> = { Queued: 'QUEUED', Invited: 'BOOKED', Completed: 'CLOSED', Revoked: 'CLOSED', InWorkbin: 'ASSIGNED' };
  // Processing without an agent is the bridge's own account holding a workitem it just created.
  const status: InteractionStatus = state === 'Processing' ? (agentId ? 'ASSIGNED' : 'NEW') : (map[state] ?? 'QUEUED');
  const userData = typeof resource.userData === 'object' && resource.userData !== null ? (resource.userData as Record<string, string>) : undefined;
  return { status, agentId, userData };
}

/**
 * Genesys Web Services v2, as the bridge's own (administrator) user: HTTP Basic on every request,
 * the JSESSIONID cookie, the CSRF token (X-CSRF-HEADER / X-CSRF-TOKEN from any GET, refreshed on a
 * 403), `statusCode` in every reply translated through the shared catalog, and CometD at
 * /api/v2/notifications for the workitems it creates (WorkitemStateChangeMessage) and the agents'
 * device states (DeviceStateChangeMessage on /v2/me/agents, which confirm a logout).
 */
export class GenesysClient implements VendorClient {
  readonly kind = 'genesys';
  private readonly base: string;
  private readonly auth: string;
  private cookie: string | undefined;
  private csrf: { header: string; token: string } | undefined;
  private cometd: CometD | undefined;
  private stopped = false;
  /** Agent states as the notifications last said (vendor agent id → Ready / NotReady / LoggedOut). */
  private readonly agentStates = new Map<string, string>();
  private readonly agentWaiters = new Set<(agentId: string, state: string) => void>();

  constructor(options: GenesysOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.auth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  }

  // ------------------------------------------------------------------ CometD

  start(link: VendorLink): void {
    const cometd = new CometD();
    this.cometd = cometd;
    cometd.unregisterTransport('websocket'); // GWS 8.5 serves long-polling (genesys.md §3)
    cometd.configure({
      url: `${this.base}/api/v2/notifications`,
      requestHeaders: { Authorization: this.auth },
      logLevel: 'warn',
      maxNetworkDelay: 5000,
      maxBackoff: 2000,
    });
    let subscribed = false;
    cometd.addListener('/meta/handshake', (m: Message) => {
      if (!m.successful) return link.down(`CometD handshake failed: ${JSON.stringify(m.error ?? '')}`);
      // After every (re)handshake the subscriptions are made again: the server forgot them.
      cometd.subscribe('/v2/me/agents', (n: Message) => this.agentNotification(n));
      cometd.subscribe(
        '/v2/me/workitems',
        (n: Message) => this.notification(n, link),
        (s: Message) => {
          subscribed = !!s.successful;
          if (subscribed) link.up();
          else link.down('CometD subscription refused');
        },
      );
    });
    cometd.addListener('/meta/connect', (m: Message) => {
      if (this.stopped) return;
      if (m.successful) {
        if (subscribed) link.up();
      } else {
        subscribed = false;
        link.down('CometD connection lost');
      }
    });
    cometd.addListener('/meta/unsuccessful', () => {
      subscribed = false;
      link.down('CometD request failed');
    });
    cometd.handshake();
  }

  private notification(n: Message, link: VendorLink): void {
    const data = n.data as Body | undefined;
    const workitem = data?.workitem as Body | undefined;
    if (data?.messageType !== 'WorkitemStateChangeMessage' || typeof workitem?.id !== 'string') return;
    link.event(workitem.id, statusOf(workitem));
  }

  /** An agent's device state (DeviceStateChangeMessage with the agent's userName). */
  private agentNotification(n: Message): void {
    const data = n.data as Body | undefined;
    const state = ((data?.devices as Body[] | undefined)?.[0]?.userState as Body | undefined)?.state;
    if (data?.messageType !== 'DeviceStateChangeMessage' || typeof data.userName !== 'string' || typeof state !== 'string') return;
    this.agentStates.set(data.userName, state);
    for (const w of this.agentWaiters) w(data.userName, state);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await new Promise<void>((resolve) => {
      if (!this.cometd || this.cometd.isDisconnected()) return resolve();
      this.cometd.disconnect(() => resolve());
      setTimeout(resolve, 1000).unref();
    });
  }

  // ------------------------------------------------------------------ operations

  async submit(s: Submission, signal: AbortSignal): Promise<string> {
    const created = await this.post(
      '/api/v2/me/workitems',
      { operationName: 'Create', userData: s.userData, ...(s.contact ? { contact: s.contact } : {}) },
      signal,
    );
    if (typeof created.id !== 'string') throw new SyntaxError('the Create reply has no workitem id');
    // Completing a workitem with a queueName places it in that queue (genesys.md §6.2).
    if (s.enqueue) await this.post(`/api/v2/me/workitems/${encodeURIComponent(created.id)}`, { operationName: 'Complete', queueName: s.queue }, signal);
    return created.id;
  }

  async offer(vendorId: string, agentId: string, signal: AbortSignal): Promise<void> {
    await this.post(
      `/api/v2/me/workitems/${encodeURIComponent(vendorId)}`,
      { operationName: 'Transfer', targetUri: `${this.base}/api/v2/users/${encodeURIComponent(agentId)}` },
      signal,
      {
        6: 'UNKNOWN_AGENT',
        2: 'AGENT_UNAVAILABLE',
      },
    );
  }

  async status(vendorId: string, signal: AbortSignal): Promise<VendorStatus> {
    const r = await this.request('GET', `/api/v2/interactions/${encodeURIComponent(vendorId)}`, undefined, signal);
    return statusOf(r.interaction as Body);
  }

  async setData(vendorId: string, data: Record<string, string>, signal: AbortSignal): Promise<void> {
    await this.post(`/api/v2/me/workitems/${encodeURIComponent(vendorId)}`, { operationName: 'UpdateUserData', userData: data }, signal);
  }

  async close(vendorId: string, signal: AbortSignal): Promise<void> {
    await this.post(`/api/v2/me/workitems/${encodeURIComponent(vendorId)}`, { operationName: 'Complete' }, signal);
  }

  async queueState(queue: string, _media: string, signal: AbortSignal): Promise<QueueState> {
    const r = await this.request('GET', `/api/v2/queues/${encodeURIComponent(queue)}`, undefined, signal, { 6: 'UNKNOWN_SERVICE' });
    const q = r.queue as Body;
    return { open: q.open !== false, logged: Number(q.agentsLoggedIn ?? 0), ready: Number(q.agentsReady ?? 0) };
  }

  /**
   * The HTTP reply only says the request was accepted; the logout is done when the agent's device
   * notification says LoggedOut (genesys.md §1), which this waits for within the deadline.
   */
  async logoutAgent(agentId: string, _media: string, signal: AbortSignal): Promise<void> {
    let waiter: ((id: string, state: string) => void) | undefined;
    const loggedOut = new Promise<void>((resolve, reject) => {
      waiter = (id, state) => id === agentId && state === 'LoggedOut' && resolve();
      this.agentWaiters.add(waiter);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    loggedOut.catch(() => undefined); // a refused POST below is the answer then
    try {
      await this.post(`/api/v2/users/${encodeURIComponent(agentId)}`, { operationName: 'EndContactCenterSession' }, signal, {
        2: 'AGENT_NOT_LOGGED_IN',
        6: 'UNKNOWN_AGENT',
      });
      if (this.agentStates.get(agentId) !== 'LoggedOut') await loggedOut;
    } finally {
      if (waiter) this.agentWaiters.delete(waiter);
    }
  }

  // ------------------------------------------------------------------ HTTP

  private post(path: string, body: Body, signal: AbortSignal, meaning: Record<number, Reason> = {}): Promise<Body> {
    return this.request('POST', path, body, signal, meaning);
  }

  /** One GWS call; a CSRF refusal fetches a fresh token (GET /api/v2/me) and tries once more. */
  private async request(
    method: string,
    path: string,
    body: Body | undefined,
    signal: AbortSignal,
    meaning: Record<number, Reason> = {},
    again = true,
  ): Promise<Body> {
    if (method !== 'GET' && !this.csrf && again) await this.request('GET', '/api/v2/me', undefined, signal, {}, false);
    const headers: Record<string, string> = { Authorization: this.auth, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.cookie) headers.Cookie = this.cookie;
    if (method !== 'GET' && this.csrf) headers[this.csrf.header] = this.csrf.token;
    const res = await fetch(`${this.base}${path}`, { method, headers, signal, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const setCookie = res.headers.get('set-cookie');
    const session = setCookie ? /JSESSIONID=[^;]+/.exec(setCookie)?.[0] : undefined;
    if (session) this.cookie = session;
    const token = res.headers.get('x-csrf-token');
    if (token) this.csrf = { header: res.headers.get('x-csrf-header') ?? 'X-CSRF-TOKEN', token };
    const text = await res.text();
    if (res.status === 403 && /csrf/i.test(text) && again) {
      this.csrf = undefined;
      return this.request(method, path, body, signal, meaning, false);
    }
    const parsed = (() => {
      try {
        return JSON.parse(text) as Body;
      } catch (e) {
        if (res.status >= 500) throw new Error(`GWS answered HTTP ${res.status}`);
        throw e; // SyntaxError: an unreadable answer
      }
    })();
    // A server error without a GWS answer is the platform failing, not the platform saying no.
    if (res.status >= 500 && typeof parsed?.statusCode !== 'number') throw new Error(`GWS answered HTTP ${res.status}`);
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.statusCode !== 'number') throw new SyntaxError('the GWS reply has no statusCode');
    if (parsed.statusCode !== 0) {
      const reason = meaning[parsed.statusCode] ?? genesysReasons[parsed.statusCode] ?? 'INVALID_RESPONSE';
      throw new VendorError(reason, `Genesys statusCode ${parsed.statusCode}: ${String(parsed.statusMessage ?? '')}`);
    }
    return parsed;
  }
}
