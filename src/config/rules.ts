import { z } from 'zod';

/** Rules the embedded roster and the vendor mappings share. */

export const serviceCode = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'service codes are 1-64 of A-Z a-z 0-9 . _ -');

/** Report every item whose key an earlier item already had (items without a key are not compared). */
export function unique<T, K>(
  items: readonly T[],
  key: (t: T) => K | undefined,
  ctx: z.RefinementCtx,
  path: (i: number) => PropertyKey[],
  message: (k: K) => string,
): void {
  const seen = new Set<K>();
  items.forEach((t, i) => {
    const k = key(t);
    if (k === undefined) return;
    if (seen.has(k)) ctx.addIssue({ code: 'custom', path: path(i), message: message(k) });
    seen.add(k);
  });
}

/** Each channel once, each service once per channel: the embedded engine and every vendor mapping. */
export function uniqueChannelsAndServices(channels: ReadonlyArray<{ id: number; services: ReadonlyArray<{ code: string }> }>, ctx: z.RefinementCtx): void {
  unique(
    channels,
    (c) => c.id,
    ctx,
    (i) => ['channels', i, 'id'],
    (id) => `channel ${id} is listed twice`,
  );
  channels.forEach((c, i) =>
    unique(
      c.services,
      (s) => s.code,
      ctx,
      (j) => ['channels', i, 'services', j, 'code'],
      (code) => `service ${code} is listed twice on channel ${c.id}`,
    ),
  );
}

export const uniqueUsers = (agents: ReadonlyArray<{ username: string }>, ctx: z.RefinementCtx) =>
  unique(
    agents,
    (a) => a.username,
    ctx,
    (i) => ['agents', i, 'username'],
    (u) => `user ${u} is listed twice`,
  );
