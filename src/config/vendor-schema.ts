import { z } from 'zod';
import { CHANNEL_IDS } from '../contract/index.js';
import { serviceCode, uniqueChannelsAndServices, uniqueUsers } from './rules.js';

// ---- vendor backends: where each MCC channel and service lives on the vendor, and who is who

const vendorChannel = z.strictObject({
  id: z.literal(CHANNEL_IDS, { error: `must be one of the MCC channels ${CHANNEL_IDS.join(', ')}` }),
  enabled: z.boolean().default(true),
  /** The vendor's media type for the channel (Genesys workitem type, Huawei/XiVO informative). */
  media: z.string().min(1).default('chat'),
  services: z
    .array(
      z.strictObject({
        code: serviceCode,
        enabled: z.boolean().default(true),
        /** The vendor queue: a Genesys queue name, a Huawei skill id, a XiVO queue id. */
        queue: z.string().min(1),
      }),
    )
    .min(1),
});

const vendorCommon = {
  /** Base URL of the vendor's API (http(s)://host:port). */
  url: z.url(),
  /** Whole budget of one MCC operation on the vendor, retries included. */
  deadlineMs: z.number().int().min(50).max(60_000).default(2000),
  /** Statuses of open sessions are re-read from the vendor this often (and whenever the link comes back). */
  resyncSeconds: z.number().min(1).default(30),
  breaker: z
    .strictObject({
      /** Failures within 10 s that open the circuit. */
      failures: z.number().int().min(1).default(5),
      /** How long an open circuit refuses before one call tries again. */
      resetSeconds: z.number().min(0.1).default(10),
    })
    .prefault({}),
  channels: z.array(vendorChannel).min(1),
  /** MCC agent usernames and their ids on the vendor. */
  agents: z.array(z.strictObject({ username: z.string().min(1).max(64), vendorId: z.string().min(1) })).default([]),
};

/** A vendor mapping must name each channel, service and agent once. */
function checkMapping(
  b: { channels: Array<{ id: number; services: Array<{ code: string; queue: string }> }>; agents: Array<{ username: string }> },
  ctx: z.RefinementCtx,
  queueRule?: { re: RegExp; message: string },
) {
  uniqueChannelsAndServices(b.channels, ctx);
  if (queueRule) {
    b.channels.forEach((c, i) =>
      c.services.forEach((s, j) => {
        if (!queueRule.re.test(s.queue)) ctx.addIssue({ code: 'custom', path: ['channels', i, 'services', j, 'queue'], message: queueRule.message });
      }),
    );
  }
  uniqueUsers(b.agents, ctx);
}

export const genesysBackend = z
  .strictObject({
    kind: z.literal('genesys'),
    ...vendorCommon,
    /** The bridge's own GWS user (an administrator); the password is never logged. */
    username: z.string().min(1),
    password: z.string(),
  })
  .superRefine((b, ctx) => checkMapping(b, ctx));

export const huaweiBackend = z
  .strictObject({
    kind: z.literal('huawei'),
    ...vendorCommon,
    /** The work number the bridge signs in with (an inspector account); its password is never logged. */
    agentId: z.string().regex(/^\d{3,6}$/, 'a numeric work number'),
    password: z.string().max(32),
  })
  .superRefine((b, ctx) => checkMapping(b, ctx, { re: /^\d+$/, message: 'a Huawei queue is a numeric skill id' }));

export const xivoBackend = z
  .strictObject({
    kind: z.literal('xivo'),
    ...vendorCommon,
    /** The XUC user the bridge logs in with (an administrator); the password is never logged. */
    login: z.string().min(1),
    password: z.string(),
  })
  .superRefine((b, ctx) => checkMapping(b, ctx, { re: /^\d+$/, message: 'a XiVO queue is a numeric queue id' }));
