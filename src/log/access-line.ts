import type winston from 'winston';
import { jsonString } from '../contract/index.js';

/**
 * The access line, one per request: written by winston like every line, but built here from its
 * known fields in one concatenation, not by the general chain (redaction, logform's timestamp,
 * safe-stable-stringify's configure-and-sort per line), which cost a request more than its whole
 * answer. The line is the same bytes the general chain writes for these fields: its keys in the
 * same sorted order, its strings escaped as JSON.stringify does, undefined fields left out.
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

/** Where a batch's info object carries its requests (a symbol: no transport or JSON writer sees it). */
const BATCH = Symbol('mcc-bridge access lines');

interface Batch {
  readonly fields: AccessFields[];
  /** When each request ended (its line's timestamp), not when the batch is written. */
  readonly stamps: string[];
}

/** Per logger, the lines of this turn of the event loop not yet handed to winston. */
const pending = new WeakMap<winston.Logger, Batch>();

function flush(logger: winston.Logger): void {
  const batch = pending.get(logger);
  pending.delete(logger);
  logger.log({ level: 'info', message: 'request', [BATCH]: batch });
}

/**
 * Write the access line through `logger` (at info). The lines of one turn of the event loop reach
 * winston together, as one info whose message is those lines: winston's per-line path (its
 * streams, each transport's write) then runs once per turn rather than once per request, and
 * every transport writes the same lines, in the same order, as one info each would.
 */
export function logAccess(logger: winston.Logger, fields: AccessFields): void {
  let batch = pending.get(logger);
  if (batch === undefined) {
    batch = { fields: [], stamps: [] };
    pending.set(logger, batch);
    setImmediate(flush, logger);
  }
  batch.fields.push(fields);
  batch.stamps.push(timestamp());
}

/** The ISO timestamp: its text up to the second made once per second (a busy server writes many lines in one). */
let second = 0;
let upToSecond = '';
function timestamp(): string {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  if (s !== second) {
    second = s;
    upToSecond = new Date(s * 1000).toISOString().slice(0, 20);
  }
  return `${upToSecond}${String(now % 1000).padStart(3, '0')}Z`;
}

const optional = (key: string, value: string | undefined) => (value === undefined ? '' : `,"${key}":${jsonString(value)}`);

/** The line, its keys in the order safe-stable-stringify sorts them (the general chain's order). */
function line(f: AccessFields, stamp: string, service: string | undefined): string {
  return (
    `{"durationMs":${JSON.stringify(f.durationMs)}${optional('face', f.face)}${optional('failReason', f.failReason)},"level":"info","message":"request"` +
    `,"method":${jsonString(f.method)}${optional('operation', f.operation)},"path":${jsonString(f.path)}${optional('principal', f.principal)}` +
    `,"requestId":${jsonString(f.requestId)}${optional('result', f.result)}${optional('service', service)},"status":${JSON.stringify(f.status)},"timestamp":"${stamp}"}`
  );
}

/**
 * Write the lines of a batch (true), or leave the info to the general chain (false: not a batch).
 * A batch whose info carries more than the logger's own `service` (a child logger's metadata) has
 * each of its lines written by the general chain, with the access fields merged in.
 */
export function writeAccessLines(info: Record<string | symbol, unknown>, general: (one: Record<string | symbol, unknown>) => void): boolean {
  const batch = info[BATCH] as Batch | undefined;
  if (batch === undefined) return false;
  let alone = typeof info.service === 'string' || info.service === undefined;
  for (const key in info) if (key !== 'level' && key !== 'message' && key !== 'service') alone = false;
  let lines = '';
  batch.fields.forEach((fields, i) => {
    const stamp = batch.stamps[i] as string;
    if (alone) lines += `${i === 0 ? '' : '\n'}${line(fields, stamp, info.service as string | undefined)}`;
    else {
      const one: Record<string | symbol, unknown> = { ...info, ...fields, timestamp: stamp };
      general(one);
      lines += `${i === 0 ? '' : '\n'}${one[MESSAGE] as string}`;
    }
  });
  info[MESSAGE] = lines;
  return true;
}
