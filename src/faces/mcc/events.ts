import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import type { MccBridge } from '../../bridge/index.js';
import { checkChannelId, parseServiceCodes, SESSION_ID } from '../../bridge/validate.js';
import type { Logger } from '../../log/logger.js';
import { payload, type ChangeFeed } from '../../push/index.js';
import type { Credentials } from '../security/credentials.js';
import type { Cors } from './cors.js';
import { jsonDialect } from './dialects.js';
import { Refusal } from './refusals.js';
import type { MccRoute } from './route.js';
import { JSON_PATH } from './urls.js';

export const EVENTS_PATH = `${JSON_PATH}/events`;

export interface EventRouteOptions {
  bridge: MccBridge;
  credentials: Credentials;
  cors?: Cors | undefined;
  logger: Logger;
}

/** Changes read per query while a stream catches up. */
const PAGE = 100;

type Scope = { sessionId: string } | { channelId: number; serviceIds: string[] };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Which sessions a stream follows: one (`sessionId`, what a chat widget holds; the access rule of
 * checkSession), or a channel's (`channelId`, optionally `serviceid=A,B`), which reveals every
 * customer of the channel and so is never open: with no credentials configured it is refused.
 */
async function scopeOf(ctx: Context, bridge: MccBridge, credentials: Credentials): Promise<Scope> {
  const sessionId = one(ctx.query.sessionId);
  if (sessionId !== undefined) {
    if (!SESSION_ID.test(sessionId)) throw new Refusal('bad_request', 'sessionId is malformed: 1-128 characters of A-Z a-z 0-9 . _ : -');
    const known = await bridge.backend.getInteraction(sessionId);
    if (!known.ok && known.reason === 'UNKNOWN_INTERACTION') throw new Refusal('not_found', `no session ${sessionId}`);
    return { sessionId };
  }
  const rawChannel = one(ctx.query.channelId);
  if (rawChannel === undefined) throw new Refusal('bad_request', 'give sessionId (one session) or channelId, optionally with serviceid (a channel’s sessions)');
  if (!credentials.enabled) {
    throw new Refusal(
      'unauthorized',
      "a channel's event stream shows every session of the channel: configure security.basic or security.apiKeys, then call it with those credentials",
    );
  }
  const channel = checkChannelId(rawChannel);
  if (!channel.ok) throw new Refusal('bad_request', channel.message);
  const rawServices = ctx.query.serviceid;
  const serviceIds = rawServices === undefined ? [] : parseServiceCodes(Array.isArray(rawServices) ? rawServices : [rawServices]);
  if (!serviceIds) throw new Refusal('bad_request', 'serviceid is a comma-separated list of service codes (A-Z a-z 0-9 . _ -)');
  return { channelId: channel.channelId, serviceIds };
}

/** Where a stream starts: after Last-Event-ID (a reconnect), else a session's whole history, or a channel's changes from now. */
async function cursorOf(ctx: Context, scope: Scope, feed: ChangeFeed): Promise<number> {
  const raw = ctx.get('last-event-id') || one(ctx.query.lastEventId);
  if (raw) {
    if (!/^\d{1,15}$/.test(raw)) throw new Refusal('bad_request', 'Last-Event-ID is the id of an event this stream sent (a number)');
    return Number(raw);
  }
  return 'sessionId' in scope ? 0 : feed.read((log) => log.last());
}

/**
 * Server-Sent Events of session changes at /mc/cxf/rest/json/events: `id:` is the change's seq,
 * so a browser's EventSource resumes after a reconnect with Last-Event-ID and misses nothing.
 * A stream reads the change feed whenever it is woken (a change committed here, or seen by the
 * feed's poll on PostgreSQL), one read at a time, and sends heartbeat comments while idle.
 */
export function eventRoutes({ bridge, credentials, cors, logger }: EventRouteOptions): MccRoute[] {
  const rest = { face: 'rest', dialect: jsonDialect, path: EVENTS_PATH } as const;
  const stream: MccRoute = {
    ...rest,
    methods: ['GET'],
    credentials: 'calls',
    missing: 'credentials are required: HTTP Basic or X-API-Key',
    runsOperation: true,
    async handle(ctx) {
      ctx.state.operation = 'events';
      const feed = bridge.backend.changes;
      if (!feed) throw new Refusal('not_found', `the ${bridge.backend.kind} backend records no session changes: no event stream`);
      const scope = await scopeOf(ctx, bridge, credentials);
      let cursor = await cursorOf(ctx, scope, feed);

      const out = new PassThrough();
      ctx.req.socket.setTimeout(0);
      ctx.req.socket.setNoDelay(true);
      ctx.status = 200;
      ctx.type = 'text/event-stream';
      ctx.set('Cache-Control', 'no-cache, no-transform');
      ctx.set('X-Accel-Buffering', 'no'); // nginx: pass each event on at once
      ctx.body = out;
      out.write('retry: 2000\n\n');

      let reading = false;
      let again = false;
      const pump = async (): Promise<void> => {
        if (reading) return void (again = true);
        reading = true;
        try {
          do {
            again = false;
            for (;;) {
              const changes = await feed.read((log) => log.after(cursor, scope, PAGE));
              for (const c of changes) out.write(`id: ${c.seq}\nevent: session\ndata: ${JSON.stringify(payload(c))}\n\n`);
              cursor = changes.at(-1)?.seq ?? cursor;
              if (changes.length < PAGE) break;
            }
          } while (again && !out.writableEnded);
        } catch (e) {
          // The store is out: the next wake-up or heartbeat tries again, from the same cursor.
          logger.debug('event stream read failed', { error: (e as Error).message });
        } finally {
          reading = false;
        }
      };
      const heartbeat = setInterval(() => {
        out.write(': heartbeat\n\n');
        void pump(); // also catches up after a failed read
      }, feed.heartbeatSeconds * 1000);
      const end = () => {
        clearInterval(heartbeat);
        unwatch();
        out.end();
      };
      const unwatch = feed.watch(() => void pump(), end);
      ctx.req.once('close', end);
      await pump();
    },
  };
  const preflight: MccRoute[] = cors ? [{ ...rest, methods: ['OPTIONS'], credentials: 'none', handle: cors.preflight('GET') }] : [];
  return [stream, ...preflight];
}
