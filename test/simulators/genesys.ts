import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import faye from 'faye';
import type { SimAgent, SimCenter, SimInteraction } from './core.js';
import { INVALID_JSON, runSimulator, send, type SimRequest, type SimSkin } from './harness.js';

/**
 * A Genesys Web Services v2 simulator (../shared/reference/genesys.md): HTTP Basic on every
 * request, a JSESSIONID cookie and CSRF protection (X-CSRF-HEADER / X-CSRF-TOKEN on GETs, 403
 * "Missing or invalid Csrf token" without it), `statusCode` in every body, workitems created and
 * completed into a queue (§6.2), and CometD notifications at /api/v2/notifications
 * (WorkitemStateChangeMessage on /v2/me/workitems to the account that created the workitem).
 * Inferred where GWS documents nothing: GET /api/v2/queues/{name} (queue statistics), POST
 * /api/v2/users/{id} EndContactCenterSession by an admin, the workitem id in the Create reply, and
 * the agents' DeviceStateChangeMessages (with userName) on /v2/me/agents for administrators.
 */

const STATES: Record<string, string> = { Created: 'Processing', Queued: 'Queued', Offered: 'Invited', Handling: 'Processing', Completed: 'Completed' };
const hex = (s: string) => Buffer.from(s).toString('hex');

function skin(center: SimCenter): SimSkin {
  const sessions = new Map<string, { user: string; csrf: string }>();
  const clients = new Map<string, string>(); // CometD clientId → user
  const bayeux = new faye.NodeAdapter({ mount: '/api/v2/notifications', timeout: 20 });
  let referenceId = 0;

  const basicUser = (req: IncomingMessage) => {
    const auth = req.headers.authorization ?? '';
    if (!/^basic /i.test(auth)) return undefined;
    const [user = '', password = ''] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
    return center.authenticate(user, password) ? user : undefined;
  };
  const cookieOf = (req: IncomingMessage) => /JSESSIONID=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];

  bayeux.addExtension({
    incoming(message, request, callback) {
      if (!request) return callback(message);
      if (message.channel === '/meta/handshake') {
        const user = basicUser(request) ?? sessions.get(cookieOf(request) ?? '')?.user;
        if (!user) message.error = '401::Access denied';
        else (request as IncomingMessage & { simUser?: string }).simUser = user;
      } else if (message.channel === '/meta/subscribe') {
        const user = clients.get(message.clientId ?? '');
        if (!user) message.error = '401::Unknown client';
        else message.subscription = ([] as string[]).concat(message.subscription ?? []).map((c) => `/u/${hex(user)}${c}`);
      } else if (!message.channel.startsWith('/meta/')) {
        message.error = '403::Publishing is not allowed';
      }
      callback(message);
    },
    outgoing(message, request, callback) {
      const user = (request as { simUser?: string } | undefined)?.simUser;
      if (message.channel === '/meta/handshake' && message.successful && message.clientId && user) clients.set(message.clientId, user);
      const strip = (c: string) => (c.startsWith('/u/') ? c.slice(c.indexOf('/', 3)) : c);
      if (Array.isArray(message.subscription)) message.subscription = message.subscription.map(strip);
      else if (typeof message.subscription === 'string') message.subscription = strip(message.subscription);
      if (!message.channel.startsWith('/meta/')) message.channel = strip(message.channel);
      callback(message);
    },
  });
  bayeux.bind('disconnect', (clientId) => clients.delete(clientId));

  const resource = (i: SimInteraction) => ({
    id: i.id,
    state: STATES[i.state],
    mediaType: i.media,
    queue: i.queue,
    userData: { ...i.userData },
    ...(i.agent && i.state !== 'Completed' ? { agent: i.agent } : {}),
  });
  const notify = (i: SimInteraction, notificationType: string) => {
    bayeux.getClient().publish(`/u/${hex(i.creator)}/v2/me/workitems`, { messageType: 'WorkitemStateChangeMessage', notificationType, workitem: resource(i) });
  };
  center.on('interaction', (i: SimInteraction) => notify(i, 'StatusChange'));
  center.on('data', (i: SimInteraction) => notify(i, 'PropertiesUpdated'));
  // Agent states go to the administrator accounts on /v2/me/agents, in the DeviceStateChangeMessage
  // shape of §4 plus the agent's userName (inferred: GWS documents no topic for other users' states).
  center.on('agent', (a: SimAgent) => {
    const state = !a.loggedIn ? 'LoggedOut' : a.ready ? 'Ready' : 'NotReady';
    for (const service of center.services.keys()) {
      bayeux.getClient().publish(`/u/${hex(service)}/v2/me/agents`, {
        messageType: 'DeviceStateChangeMessage',
        userName: a.id,
        devices: [{ id: `device-${a.id}`, deviceState: 'Active', userState: { id: state, displayName: state, state } }],
      });
    }
  });

  return {
    attach(server: Server) {
      server.on('upgrade', (req, socket, head) => bayeux.handleUpgrade(req, socket, head));
    },
    drop() {
      const engine = (bayeux as unknown as { _server: { _engine: { destroyClient(id: string): void } } })._server._engine;
      for (const id of clients.keys()) engine.destroyClient(id);
      clients.clear();
    },
    expire() {
      sessions.clear();
      this.drop();
    },
    raw(req, res, url) {
      if (!url.pathname.startsWith('/api/v2/notifications')) return false;
      bayeux.handle(req, res);
      return true;
    },
    async handle({ req, res, url, body }: SimRequest) {
      if (!url.pathname.startsWith('/api/v2/')) return false;
      const user = basicUser(req) ?? sessions.get(cookieOf(req) ?? '')?.user;
      if (!user) {
        send(res, 401, { statusCode: 20, statusMessage: 'Access denied' });
        return true;
      }
      let cookie = cookieOf(req);
      let session = cookie ? sessions.get(cookie) : undefined;
      const headers: Record<string, string> = {};
      if (!session || session.user !== user) {
        cookie = randomUUID();
        session = { user, csrf: randomUUID() };
        sessions.set(cookie, session);
        headers['set-cookie'] = `JSESSIONID=${cookie}; Path=/; HttpOnly`;
      }
      if (req.method === 'GET') {
        headers['x-csrf-header'] = 'X-CSRF-TOKEN';
        headers['x-csrf-token'] = session.csrf;
      } else if (req.headers['x-csrf-token'] !== session.csrf) {
        res.writeHead(403, { 'content-type': 'text/plain', ...headers });
        res.end('Missing or invalid Csrf token');
        return true;
      }
      const reply = (status: number, b: Record<string, unknown>) => send(res, status, b, headers);
      const ok = (extra: Record<string, unknown> = {}) => reply(200, { statusCode: 0, ...extra });
      const error = (statusCode: number, statusMessage: string) =>
        reply(statusCode === 6 ? 404 : statusCode === 20 ? 401 : statusCode === 5 ? 403 : 400, { statusCode, statusMessage });
      if (body === INVALID_JSON) return (error(2, 'The body is not JSON'), true);
      const b = (body ?? {}) as Record<string, any>;
      const service = center.services.has(user);
      const path = url.pathname.slice('/api/v2'.length);
      let m: RegExpExecArray | null;

      if (req.method === 'GET' && path === '/me') return (ok({ user: { id: user, userName: user, roles: [service ? 'ROLE_ADMIN' : 'ROLE_AGENT'] } }), true);
      if (req.method === 'POST' && path === '/me/workitems') {
        if (b.operationName !== 'Create') return (error(2, `Parameter 'operationName' is invalid`), true);
        const queue = b.queueName ?? (typeof b.queueUri === 'string' ? b.queueUri.split('/').pop() : undefined);
        if (queue !== undefined && !center.queues.has(queue)) return (error(6, `Queue '${queue}' does not exist`), true);
        const i = center.create(user, queue ?? '', (b.userData ?? {}) as Record<string, string>, b.contact);
        return (ok({ referenceId: ++referenceId, id: i.id }), true);
      }
      if ((m = /^\/me\/workitems\/([^/]+)$/.exec(path)) && req.method === 'POST') {
        const i = center.interactions.get(decodeURIComponent(m[1] as string));
        if (!i) return (error(6, 'Workitem not found'), true);
        if (!service && i.agent !== user) return (error(5, 'Not your workitem'), true);
        switch (b.operationName) {
          case 'Complete':
            if (typeof b.queueName === 'string') {
              if (!center.queues.has(b.queueName)) return (error(6, `Queue '${b.queueName}' does not exist`), true);
              if (i.state === 'Completed') return (error(2, 'The workitem is completed'), true);
              center.enqueue(i, b.queueName);
            } else {
              center.complete(i);
            }
            return (ok({ referenceId: ++referenceId }), true);
          case 'UpdateUserData':
          case 'AttachUserData':
            if (typeof b.userData !== 'object' || b.userData === null) return (error(1, "Parameter 'userData' is missing"), true);
            center.setData(i, Object.fromEntries(Object.entries(b.userData).map(([k, v]) => [k, String(v)])));
            return (ok({ referenceId: ++referenceId }), true);
          case 'Transfer': {
            const target = typeof b.targetUri === 'string' ? decodeURIComponent(b.targetUri.split('/').pop() ?? '') : b.userId;
            if (!target) return (error(1, "Parameter 'targetUri' is missing"), true);
            if (!center.agents.has(target)) return (error(6, `User '${target}' does not exist`), true);
            if (i.state === 'Completed') return (error(2, 'The workitem is completed'), true);
            const refused = center.offerTo(i, target);
            return (refused ? error(2, `Cannot transfer: ${refused}`) : ok({ referenceId: ++referenceId }), true);
          }
          default:
            return (error(2, `Parameter 'operationName' is invalid`), true);
        }
      }
      if ((m = /^\/interactions\/([^/]+)$/.exec(path)) && req.method === 'GET') {
        const i = center.interactions.get(decodeURIComponent(m[1] as string));
        return (i ? ok({ interaction: resource(i) }) : error(6, 'Interaction not found'), true);
      }
      if ((m = /^\/queues\/([^/]+)$/.exec(path)) && req.method === 'GET') {
        const name = decodeURIComponent(m[1] as string);
        const q = center.queues.get(name);
        if (!q) return (error(6, `Queue '${name}' does not exist`), true);
        const s = center.stats(name);
        return (ok({ queue: { name, mediaType: q.media, open: s.open, waiting: s.waiting, agentsReady: s.ready, agentsLoggedIn: s.logged } }), true);
      }
      if ((m = /^\/users\/([^/]+)$/.exec(path)) && req.method === 'POST') {
        if (!service) return (error(5, 'Only an administrator may act on other users'), true);
        const target = center.agents.get(decodeURIComponent(m[1] as string));
        if (!target) return (error(6, 'User not found'), true);
        if (b.operationName !== 'EndContactCenterSession') return (error(2, `Parameter 'operationName' is invalid`), true);
        if (!target.loggedIn) return (error(2, 'The user has no contact center session'), true);
        center.logout(target.id);
        return (ok(), true);
      }
      return false;
    },
  };
}

void runSimulator((center) => skin(center));
