import { isChannelId, parseInt32, type ChannelId } from '../contract/index.js';

/**
 * Checks on raw request text that every backend shares. They run in the bridge, before the
 * backend is asked anything, so the same input fails the same way whatever contact center is
 * behind.
 */

export const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const SERVICE_CODE = /^[A-Za-z0-9._-]{1,64}$/;

export const isBlank = (v: string | undefined): v is undefined | '' => v === undefined || v.trim() === '';

export type ChannelCheck = { ok: true; channelId: ChannelId } | { ok: false; missing: boolean; message: string };

export function checkChannelId(raw: string | undefined): ChannelCheck {
  if (isBlank(raw)) return { ok: false, missing: true, message: 'channelId is required' };
  const n = parseInt32(raw);
  if (n === undefined) return { ok: false, missing: false, message: `channelId "${clip(raw)}" is not an integer` };
  if (!isChannelId(n)) return { ok: false, missing: false, message: `channelId ${n} is not an MCC channel (1, 2, 3 or 1003)` };
  return { ok: true, channelId: n };
}

/** Service codes as a set: repeated values, each possibly comma-separated; undefined if any is malformed. */
export function parseServiceCodes(raw: readonly string[] | undefined): string[] | undefined {
  const codes = (raw ?? []).flatMap((v) => v.split(',')).map((c) => c.trim());
  if (codes.length === 0 || codes.some((c) => !SERVICE_CODE.test(c))) return undefined;
  return [...new Set(codes)];
}

/** Keep user text short when quoting it back in a message. */
export function clip(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
