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

/** Where an access info object carries its fields (a symbol: no transport or JSON writer sees it). */
const FIELDS = Symbol('mcc-bridge access fields');

/** Write the access line through `logger` (at info). */
export function logAccess(logger: winston.Logger, fields: AccessFields): void {
  logger.log({ level: 'info', message: 'request', [FIELDS]: fields });
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

const optional = (key: string, value: string | undefined) => (value === undefined ? '' : `,"${key}":${jsonString(value)}`);

/** The line, its keys in the order safe-stable-stringify sorts them (the general chain's order). */
function line(f: AccessFields, service: string | undefined): string {
  return (
    `{"durationMs":${JSON.stringify(f.durationMs)}${optional('face', f.face)}${optional('failReason', f.failReason)},"level":"info","message":"request"` +
    `,"method":${jsonString(f.method)}${optional('operation', f.operation)},"path":${jsonString(f.path)}${optional('principal', f.principal)}` +
    `,"requestId":${jsonString(f.requestId)}${optional('result', f.result)}${optional('service', service)},"status":${JSON.stringify(f.status)},"timestamp":"${timestamp()}"}`
  );
}

/**
 * Write the line of an access info object (true), or leave it to the general chain (false): not
 * an access line, or one carrying more than the logger's own `service` (a child logger's
 * metadata), which the general chain then writes with the access fields merged in.
 */
export function writeAccessLine(info: Record<string | symbol, unknown>): boolean {
  const fields = info[FIELDS] as AccessFields | undefined;
  if (fields === undefined) return false;
  let alone = typeof info.service === 'string' || info.service === undefined;
  for (const key in info) if (key !== 'level' && key !== 'message' && key !== 'service') alone = false;
  if (!alone) {
    Object.assign(info, fields);
    return false;
  }
  info[MESSAGE] = line(fields, info.service as string | undefined);
  return true;
}
