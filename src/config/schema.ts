import { z } from 'zod';
import { CHANNEL_IDS, DEFAULT_TARGET_NAMESPACE } from '../contract/index.js';
import { serviceCode, uniqueChannelsAndServices, uniqueUsers, unique } from './rules.js';
import { pushSchema } from './push-schema.js';
import { genesysBackend, huaweiBackend, xivoBackend } from './vendor-schema.js';

/**
 * The whole configuration of a bridge process, in one file (YAML or JSON). Validated at start; an
 * error names the key (`embedded.channels[1].services[0].hours.mon[0]`). Defaults make a file with
 * only the channels, services and agents a working configuration.
 */

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not a known IANA time zone (e.g. Europe/Rome)');

const minutesOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const timeRange = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, { message: 'expected "HH:MM-HH:MM", e.g. "08:30-18:00"', abort: true })
  .refine((r) => minutesOfDay(r.slice(0, 5)) < minutesOfDay(r.slice(6)), 'the range must end after it starts');

export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof weekdays)[number];

const serviceSchema = z.strictObject({
  code: serviceCode,
  name: z.string().optional(),
  enabled: z.boolean().default(true),
  /** The administrator's out-of-service switch. */
  outOfService: z.boolean().default(false),
  /** Time zone of the opening hours; defaults to embedded.timeZone. */
  timeZone: timeZone.optional(),
  /** Weekly opening hours; a day left out is closed. Absent altogether = always open. */
  hours: z.partialRecord(z.enum(weekdays), z.array(timeRange)).optional(),
  /** Closed days, "YYYY-MM-DD" (that date) or "MM-DD" (every year). */
  holidays: z.array(z.string().regex(/^(\d{4}-)?\d{2}-\d{2}$/, 'expected "YYYY-MM-DD" or "MM-DD"')).default([]),
  closedMessage: z.string().default('The service is closed now.'),
  /** Its number on the agent faces (XiVO queueId, Huawei skill id); default: its 1-based place in the file. */
  queueId: z.number().int().min(1).optional(),
});

const channelSchema = z.strictObject({
  id: z.literal(CHANNEL_IDS, { error: `must be one of the MCC channels ${CHANNEL_IDS.join(', ')}` }),
  enabled: z.boolean().default(true),
  /** Concurrent (not CLOSED) sessions allowed; 0 = not licensed. */
  license: z.number().int().min(0).default(0),
  /** Its name on the Genesys face (`channels` of StartContactCenterSession); default chat for 1003, channel<id> else. */
  mediaType: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and -, e.g. chat')
    .optional(),
  services: z.array(serviceSchema).default([]),
});

const agentSchema = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'usernames are 1-64 of A-Z a-z 0-9 . _ @ -'),
  displayName: z.string().optional(),
  /** For the agent-facing APIs (later); never logged. */
  password: z.string().optional(),
  profiles: z
    .array(z.enum(['agent', 'supervisor', 'admin']))
    .min(1)
    .default(['agent']),
  /** Service codes the agent is skilled for. */
  skills: z.array(serviceCode).default([]),
  /** Concurrent sessions per channel: one number for every channel, or per channel id. */
  capacity: z.union([z.number().int().min(1), z.record(z.string().regex(/^\d+$/), z.number().int().min(0))]).default(1),
  /** Offered sessions go straight to ASSIGNED. */
  autoAnswer: z.boolean().default(false),
  /** Numeric agent id on the Huawei (workno) and XiVO (agentId) faces; those faces refuse agents without one. */
  agentId: z.number().int().min(101).max(59999).optional(),
  /** The agent's own phone line (XiVO line rules; Huawei phonenum default). */
  line: z
    .string()
    .regex(/^[0-9*#+]{1,24}$/, 'up to 24 digits, * # +')
    .optional(),
  /** Agent group (XiVO groupId, supervisor filtering). */
  group: z.string().min(1).max(64).default('default'),
  /** What a supervisor sees on the XiVO face: these queues (service codes) and agent groups. */
  supervises: z.strictObject({ queues: z.array(serviceCode).default([]), groups: z.array(z.string()).default([]) }).optional(),
});

/** The number of each service ("channelId/code") on the agent faces: its queueId, else its 1-based place in the file. */
export function serviceQueueIds(
  channels: ReadonlyArray<{ id: number; services: ReadonlyArray<{ code: string; queueId?: number | undefined }> }>,
): Map<string, number> {
  const ids = new Map<string, number>();
  let place = 0;
  for (const c of channels)
    for (const s of c.services) {
      place++;
      ids.set(`${c.id}/${s.code}`, s.queueId ?? place);
    }
  return ids;
}

export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** When set, the WSDL soap:address and WADL base use it instead of the request's host. */
        publicUrl: z.url().optional(),
        /** Honour X-Forwarded-Proto / X-Forwarded-Host (only behind a proxy you trust). */
        trustProxy: z.boolean().default(false),
        /** Largest SOAP or JSON body accepted, in bytes. */
        bodyLimit: z
          .number()
          .int()
          .min(1024)
          .default(1024 * 1024),
        /** Serve HTTPS with this PEM key and certificate (file paths) instead of HTTP. */
        tls: z.strictObject({ key: z.string().min(1), cert: z.string().min(1) }).optional(),
        /** On SIGTERM, in-flight requests get this long to finish before connections are cut. */
        shutdownGraceSeconds: z.number().min(0).max(300).default(10),
        /** Open connections (WebSockets included) beyond which new ones are closed at once; keep it under the fd limit (`ulimit -n`) less what the store and vendor links use. */
        maxConnections: z.number().int().min(1).default(800),
        /** Open connections per client IP (0: no cap). Behind a proxy every client is the proxy's IP, and agents behind one NAT share theirs. */
        maxConnectionsPerIp: z.number().int().min(0).default(200),
        /** A request's headers must have arrived this long after its first byte (or after the connection opened). */
        headersTimeoutSeconds: z.number().min(0.5).max(300).default(10),
        /** The whole request (headers and body) must have arrived this long after its first byte; our answer's wait (long polls) does not count. */
        requestTimeoutSeconds: z.number().min(0.5).max(300).default(30),
        /** An idle keep-alive connection is closed after this long (0: after every answer); above a load balancer's idle timeout when behind one. */
        keepAliveTimeoutSeconds: z.number().min(0).max(300).default(5),
      })
      .prefault({})
      // node refuses a server whose headers timeout is past its request timeout.
      .refine((s) => s.headersTimeoutSeconds <= s.requestTimeoutSeconds, {
        path: ['headersTimeoutSeconds'],
        message: 'must not be more than server.requestTimeoutSeconds',
      }),
    /** Who may call the MCC faces, and how often. Off by default: the bridge is open until credentials are configured. */
    security: z
      .strictObject({
        /** HTTP Basic for REST and SOAP; passwords are never logged. */
        basic: z.array(z.strictObject({ username: z.string().min(1), password: z.string().min(1) })).default([]),
        /** API keys for REST and SOAP, sent as `X-API-Key`; never logged. */
        apiKeys: z.array(z.strictObject({ name: z.string().min(1), key: z.string().min(16, 'an API key has at least 16 characters') })).default([]),
        /** WS-Security UsernameToken (PasswordText or PasswordDigest) for SOAP. */
        wsSecurity: z
          .strictObject({
            users: z.array(z.strictObject({ username: z.string().min(1), password: z.string().min(1) })).min(1),
            /** A Created timestamp further than this from now is refused; nonces are remembered as long. */
            maxSkewSeconds: z.number().int().min(1).max(3600).default(300),
            /** Refuse tokens without Nonce and Created, PasswordText ones included (those are replayable). */
            requireNonce: z.boolean().default(false),
          })
          .optional(),
        /** Also require credentials for the WSDL, WADL and OpenAPI documents. */
        protectContracts: z.boolean().default(false),
        /**
         * CORS for the MCC REST face (web pages calling it, e.g. a LiveHelp chat widget): off unless
         * origins are listed. `allowCredentials` lets pages send cookies and stored HTTP credentials;
         * it needs exact origins (the Fetch standard refuses `*` with credentials).
         */
        cors: z
          .strictObject({
            origins: z
              .array(
                z.union([z.literal('*'), z.url().refine((u) => new URL(u).origin === u, 'an origin is scheme://host[:port], without path or trailing slash')]),
              )
              .min(1),
            allowCredentials: z.boolean().default(false),
            /** How long a browser may cache a preflight answer. */
            maxAgeSeconds: z.number().int().min(0).max(86400).default(600),
          })
          .refine((c) => !(c.allowCredentials && c.origins.includes('*')), {
            message: 'allowCredentials needs exact origins, not "*"',
            path: ['allowCredentials'],
          })
          .optional(),
        /** Per client (credential, else IP): this many requests per second on average, bursts up to `burst`. */
        rateLimit: z.strictObject({ requestsPerSecond: z.number().positive(), burst: z.number().int().min(1) }).optional(),
        /** Failed authentications on any door (MCC and agent faces) per IP and per username within the window; past them, refused until it ends. */
        authFailures: z
          .strictObject({
            perIp: z.number().int().min(1).default(30),
            perUsername: z.number().int().min(1).default(10),
            windowSeconds: z.number().int().min(1).max(86_400).default(300),
          })
          .prefault({}),
      })
      .prefault({}),
    /** Prometheus metrics. */
    metrics: z
      .strictObject({
        enabled: z.boolean().default(true),
        path: z
          .string()
          .regex(/^\/[\w/-]*$/)
          .default('/metrics'),
        /** Ask for security.basic or security.apiKeys credentials; absent: whenever one of those is configured. */
        protect: z.boolean().optional(),
      })
      .prefault({}),
    /** The operator's live page, /admin. */
    admin: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Ask for security.basic or security.apiKeys credentials; absent: whenever one of those is configured (the metrics' rule). */
        protect: z.boolean().optional(),
      })
      .prefault({}),
    contract: z
      .strictObject({
        /** Existing SOAP stubs hard-code the WSDL targetNamespace; set it to theirs. */
        targetNamespace: z.string().min(1).default(DEFAULT_TARGET_NAMESPACE),
      })
      .prefault({}),
    logging: z
      .strictObject({
        level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
        /** Also write JSON lines to this file. */
        file: z.string().optional(),
      })
      .prefault({}),
    backend: z
      .discriminatedUnion('kind', [z.strictObject({ kind: z.literal('embedded') }), genesysBackend, huaweiBackend, xivoBackend])
      .prefault({ kind: 'embedded' }),
    /** The agent-facing APIs of the embedded engine, in the styles of Genesys, Huawei and XiVO. */
    faces: z
      .strictObject({
        genesys: z
          .strictObject({
            enabled: z.boolean().default(true),
            /**
             * Origins (scheme://host[:port]) whose pages may call the face from the browser: CORS on
             * /api/v2 and the CometD endpoint. Empty: same origin only.
             */
            allowedOrigins: z.array(z.url().refine((u) => new URL(u).origin === u.replace(/\/$/, ''), 'an origin: scheme://host[:port], no path')).default([]),
          })
          .prefault({}),
        huawei: z
          .strictObject({
            enabled: z.boolean().default(true),
            /** How long an event poll waits for an event before answering empty (CC-Gateway: ~10 s). */
            pollWaitSeconds: z.number().min(0).max(60).default(10),
            /** An agent that neither polls nor calls for this long is signed out (CC-Gateway: 2 min). */
            keepAliveSeconds: z.number().min(1).default(120),
            /** Dynamic authentication: a poll hands out a new Guid (Set-GUID) once the current one is this old. */
            guidRotateSeconds: z.number().min(0.1).default(300),
            /**
             * AgentEvent_Call_Release's content: 'callid', the bare call id of the CEC gateway docs
             * (2023–2025, api-ccfs-cec/cec_07_1363); 'object', `{"callid": …}` as the older gateway of
             * Huawei's browser agent console sends it (MoonShadowFei/HWCallCenter eventProcess.js reads
             * event.content.callid).
             */
            callReleaseContent: z.enum(['callid', 'object']).default('callid'),
          })
          .prefault({}),
        xivo: z
          .strictObject({
            enabled: z.boolean().default(true),
            /** Lifetime of a XUC token; /auth/check renews it. */
            tokenTtlSeconds: z.number().int().min(1).default(3600),
            /** Outgoing calls (dialFromQueue) one user may have open at once, so agents never fill a license; 0 = none. */
            maxOutgoingPerAgent: z.number().int().min(0).default(2),
          })
          .prefault({}),
      })
      .prefault({}),
    push: pushSchema,
    /** Where the embedded contact center keeps its state. */
    store: z
      .discriminatedUnion('kind', [
        z.strictObject({
          kind: z.literal('sqlite'),
          /** The database file is <dataDir>/mcc-bridge.sqlite (env MCC_DATA_DIR). */
          dataDir: z.string().min(1).default('data'),
          /** Sessions the read model keeps in memory for status polls; the least recently read leave first. */
          sessionCache: z.number().int().min(100).max(10_000_000).default(20_000),
        }),
        z.strictObject({
          kind: z.literal('postgres'),
          /** postgres://user:password@host:port/database (env MCC_DATABASE_URL); never logged. */
          url: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL'),
          poolSize: z.number().int().min(1).max(100).default(10),
        }),
      ])
      .prefault({ kind: 'sqlite' }),
    embedded: z
      .strictObject({
        timeZone: timeZone.default('UTC'),
        /** An offer not accepted in time goes back to QUEUED (and the agent to not ready). */
        offerTimeoutSeconds: z.number().positive().default(30),
        /** How long CLOSED sessions stay readable. */
        closedRetentionHours: z.number().positive().default(24),
        /** Seed for the expected-wait estimate until real handling times are known. */
        expectedHandleSeconds: z.number().positive().default(300),
        channels: z.array(channelSchema).default([]),
        agents: z.array(agentSchema).default([]),
      })
      .prefault({})
      .superRefine((e, ctx) => {
        uniqueChannelsAndServices(e.channels, ctx);
        uniqueUsers(e.agents, ctx);
        unique(
          e.agents,
          (a) => a.agentId,
          ctx,
          (i) => ['agents', i, 'agentId'],
          (id) => `agentId ${id} is used twice`,
        );
        unique(
          e.agents,
          (a) => a.line,
          ctx,
          (i) => ['agents', i, 'line'],
          (line) => `line ${line} is used twice`,
        );
        const numbered = serviceQueueIds(e.channels);
        const services = e.channels.flatMap((c, i) =>
          c.services.map((s, j) => ({ path: ['channels', i, 'services', j, 'queueId'], id: numbered.get(`${c.id}/${s.code}`) as number })),
        );
        unique(
          services,
          (s) => s.id,
          ctx,
          (k) => services[k]?.path ?? [],
          (id) => `queueId ${id} is used twice (a service without one is numbered by its place)`,
        );
      }),
  })
  .refine((c) => c.metrics.protect !== true || c.security.basic.length > 0 || c.security.apiKeys.length > 0, {
    path: ['metrics', 'protect'],
    message: 'needs security.basic or security.apiKeys: a scraper sends those (WS-Security is SOAP only)',
  })
  .refine((c) => c.admin.protect !== true || c.security.basic.length > 0 || c.security.apiKeys.length > 0, {
    path: ['admin', 'protect'],
    message: 'needs security.basic or security.apiKeys: a browser sends those (WS-Security is SOAP only)',
  });

export type Config = z.infer<typeof configSchema>;
export type EmbeddedConfig = Config['embedded'];
export type ChannelConfig = EmbeddedConfig['channels'][number];
export type ServiceConfig = ChannelConfig['services'][number];
export type AgentConfig = EmbeddedConfig['agents'][number];
export type StoreConfig = Config['store'];
export type { PushConfig, WebhookConfig } from './push-schema.js';
export type SecurityConfig = Config['security'];
export type BackendConfig = Config['backend'];
export type VendorBackendConfig = Exclude<BackendConfig, { kind: 'embedded' }>;
