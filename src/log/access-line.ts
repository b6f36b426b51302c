import type winston from 'winston';
import { jsonString } from '../contract/index.js';

/**
 * The access line, one per request: written by winston like every line, but built by this format
 * alone, not by the general chain (redaction, logform's timestamp, safe-stable-stringify's
 * configure-and-sort per line), which cost a request more than its whole answer. The line is the
 * same bytes the general chain writes for these fields: its keys in the same sorted order, its
 * strings escaped as JSON.stringify does, undefined fields left out.
 */

/** What the access line says about a request; no field can hold a secret (the guard logs who, never how). */
export interface AccessFields {
  requestId: string;
  method: string;
  path: string;
  status: number;
  face?: string | undefined;
  operation?: string | undefined;
  result?: string | undefined;
  failReason?: string | undefined;
  principal?: string | undefined;
  durationMs: number;
}

/** Where winston's transports read the finished line (triple-beam's MESSAGE, a registered symbol). */
const MESSAGE = Symbol.for('message');

/** Marks an info object as an access line (a symbol: JSON never writes it). */
const ACCESS = Symbol('mcc-bridge access line');

/** Every key an access line may carry, in the order safe-stable-stringify sorts them. */
const KEYS = [
  'durationMs',
  'face',
  'failReason',
  'level',
  'message',
  'method',
  'operation',
  'path',
  'principal',
  'requestId',
  'result',
  'service',
  'status',
  'timestamp',
] as const;
const KNOWN: ReadonlySet<string> = new Set(KEYS);
const PREFIXES = KEYS.map((k) => [k, `,"${k}":`] as const);


/** Write the access line through `logger` (at info). */
export function logAccess(logger: winston.Logger, fields: AccessFields): void {
  logger.log({ level: 'info', message: 'request', ...fields, [ACCESS]: true });
}

/** The ISO timestamp, made once per millisecond (a busy server writes many lines in one). */
let stampedAt = 0;
let stamp = '';
function timestamp(): string {
  const now = Date.now();
  if (now !== stampedAt) {
    stampedAt = now;
    stamp = new Date(now).toISOString();
  }
  return stamp;
}

/**
 * Write the line of an access info object; false when it is not one this format can write alone
 * (not marked, or carrying a key or a value the general chain would treat otherwise, e.g. a
 * child logger's metadata): then the general chain writes it.
 */
export function writeAccessLine(info: Record<string | symbol, unknown>): boolean {
  if (info[ACCESS] !== true) return false;
  for (const key of Object.keys(info)) {
    const v = info[key];
    if (!KNOWN.has(key) || (v !== undefined && typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)))) return false;
  }
  info.timestamp ||= timestamp();
  let line = '';
  for (const [key, prefix] of PREFIXES) {
    const v = info[key] as string | number | undefined;
    if (v !== undefined) line += prefix + (typeof v === 'string' ? jsonString(v) : String(v));
  }
  info[MESSAGE] = `{${line.slice(1)}}`;
  return true;
}
