import { z } from 'zod';
import { CHANNEL_IDS, enums, type InteractionStatus } from '../contract/index.js';
import { serviceCode, unique } from './rules.js';

/** What a status filter may name: the session statuses (UNKNOW is never a change). */
const statuses = enums.SessionStatus.filter((s): s is InteractionStatus => s !== 'UNKNOW');

const MAX_BATCH = 1000;
const NOT_A_BATCH = `a batch is a whole number of changes per POST, 1 to ${MAX_BATCH}`;
const BATCH_RANGE = `a batch is 1 to ${MAX_BATCH} changes per POST`;

const webhook = z.strictObject({
  /** Names the subscriber in the log, the metrics and the outbox; keep it once a change is queued for it. */
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'webhook names are 1-64 of A-Z a-z 0-9 . _ -'),
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  /** Signs every delivery (MCC-Signature); never logged. */
  secret: z.string().min(16, 'a webhook secret has at least 16 characters (random, shared with the receiver only)'),
  /** Only these channels' sessions; empty: every channel. */
  channels: z.array(z.literal(CHANNEL_IDS, { error: `must be one of the MCC channels ${CHANNEL_IDS.join(', ')}` })).default([]),
  /** Only these service codes; empty: every service. */
  services: z.array(serviceCode).default([]),
  /** Only changes to these statuses; empty: every change. */
  statuses: z.array(z.enum(statuses)).default([]),
  /**
   * Changes per POST. 1: each change is the body. More: the body is `{"changes": [...]}` with up
   * to this many, of as many sessions (a session's next change comes in a later POST, once this one
   * is taken): for a busy contact center, or to catch up quickly after the receiver was down.
   */
  batch: z.number({ error: NOT_A_BATCH }).int(NOT_A_BATCH).min(1, BATCH_RANGE).max(MAX_BATCH, BATCH_RANGE).default(1),
});

/** Push to integrators: webhooks (with a durable outbox) and Server-Sent Events. */
export const pushSchema = z
  .strictObject({
    webhooks: z.array(webhook).default([]),
    /** A failed delivery is retried after `initialSeconds`, doubling up to `maxSeconds`, each with random jitter. */
    retry: z
      .strictObject({ initialSeconds: z.number().min(0.01).default(1), maxSeconds: z.number().min(0.01).default(300) })
      .prefault({})
      .refine((r) => r.initialSeconds <= r.maxSeconds, { path: ['initialSeconds'], message: 'must not be more than push.retry.maxSeconds' }),
    /** A receiver must answer within this long, or the attempt failed. */
    timeoutSeconds: z.number().min(0.1).max(120).default(10),
    /** A change not delivered this long after it happened is dead-lettered (logged, counted, kept until the closed-session purge). */
    deadLetterAfterSeconds: z.number().min(1).default(86_400),
    /** Deliveries under way at once, per process, all subscribers together. */
    concurrency: z.number().int().min(1).max(256).default(16),
    /** Comment lines sent on idle event streams, so proxies and browsers keep them open. */
    heartbeatSeconds: z.number().min(1).max(300).default(15),
  })
  .prefault({})
  .superRefine((p, ctx) =>
    unique(
      p.webhooks,
      (w) => w.name,
      ctx,
      (i) => ['webhooks', i, 'name'],
      (name) => `webhook ${name} is listed twice`,
    ),
  );

export type PushConfig = z.infer<typeof pushSchema>;
export type WebhookConfig = PushConfig['webhooks'][number];
