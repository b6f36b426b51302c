import { createWriteStream } from 'node:fs';
import winston from 'winston';
import { writeAccessLines } from './access-line.js';

/**
 * JSON-lines logs (one object per line, for log shippers). Anything that looks like a secret is
 * replaced before a line is written, wherever it sits in the object, so a careless `log.info(x)`
 * cannot leak a password.
 */
export type Logger = winston.Logger;

const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|nonce|api[-_]?key|credential/i;
export const REDACTED = '[redacted]';

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1);
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (SECRET_KEY.test(key)) info[key] = REDACTED;
    else info[key] = redact(info[key]);
  }
  return info;
});

/** Every line but the access lines (access-line.ts): redacted, stamped, JSON with sorted keys. */
const general = winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json());
const lines = winston.format((info) =>
  writeAccessLines(info, (one) => general.transform(one as winston.Logform.TransformableInfo)) ? info : general.transform(info),
);

export interface LoggerOptions {
  level: string;
  file?: string | undefined;
  /** Write nowhere. */
  silent?: boolean;
  /** Also write to stdout (default true; tests that read the file turn it off). */
  stdout?: boolean;
}

/**
 * Stdout as an asynchronous stream: process.stdout is synchronous on Linux pipes and files, one
 * blocking write per line; an fs stream writes from the thread pool and batches lines under load.
 */
function stdoutStream(): NodeJS.WritableStream {
  return createWriteStream('', { fd: 1, autoClose: false });
}

export function createLogger({ level, file, silent, stdout = true }: LoggerOptions): Logger {
  const transports: winston.transport[] = stdout ? [new winston.transports.Stream({ stream: stdoutStream() })] : [];
  if (file) transports.push(new winston.transports.File({ filename: file }));
  return winston.createLogger({
    level,
    silent: silent ?? false,
    format: lines(),
    defaultMeta: { service: 'mcc-bridge' },
    transports,
  });
}
