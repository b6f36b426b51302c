import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setImmediate as turn } from 'node:timers/promises';
import winston from 'winston';
import { logAccess, type AccessFields } from '../src/log/access-line.js';
import { createLogger } from '../src/log/logger.js';

/**
 * The access line has its own format (log/access-line.ts); the general chain (redaction, timestamp,
 * sorted JSON) writes every other line. For the same fields both must write the same bytes: the
 * access line is held against `logger.info('request', fields)` over many generated requests.
 */
function capturing() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', stdout: false });
  logger.add(
    new winston.transports.Stream({
      stream: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          done();
        },
      }),
    }),
  );
  return { logger, lines };
}

const STAMP = /"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/;
const unstamped = (line: string) => {
  assert.match(line, STAMP);
  return line.replace(STAMP, '"timestamp":"…"');
};

const ODD = [
  '',
  'plain',
  '/mc/cxf/rest/json/checkSession',
  '/a"b\\c',
  '/tab\tnew\nline\r',
  '/ctl\u0001\u001f',
  '/😀/\uD800/\uDC00',
  '/\u2028\u2029',
  'key:ops',
  'ünï',
];

describe('the access line', () => {
  it('is the bytes the general chain writes for the same fields', async () => {
    const { logger, lines } = capturing();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const pick = <T>(items: readonly T[]) => items[next() % items.length] as T;
    const maybe = <T>(value: T) => (next() % 3 === 0 ? undefined : value);
    for (let i = 0; i < 500; i++) {
      const fields: AccessFields = {
        requestId: pick(['f0e1d2c3-b4a5-4697-8899-aabbccddeeff', 'req.1:x-y', 'a']),
        method: pick(['GET', 'POST', 'PUT', 'HEAD', 'OPTIONS']),
        path: pick(ODD),
        status: pick([200, 401, 404, 500]),
        face: maybe(pick(['soap', 'rest', 'genesys'])),
        operation: maybe(pick(['checkSessionState', 'startSession'])),
        result: maybe(pick(['SUCCESS', 'FAILED', 'FAULT'])),
        failReason: maybe(pick(['INVALID_SESSION_ID', 'UNAUTHENTICATED', ''])),
        principal: maybe(pick(ODD)),
        durationMs: pick([0, 0.123, 12.5, 1000, 3.14159]),
      };
      logAccess(logger, fields);
      logger.info('request', fields);
    }
    // The general chain's lines are written at once, the access lines of this turn together after it.
    assert.equal(lines.length, 500);
    await turn();
    assert.equal(lines.length, 1000);
    for (let i = 0; i < 500; i++) assert.equal(unstamped(lines[500 + i] as string), unstamped(lines[i] as string));
    // Its own timestamp is the time the request ended, as the general chain's is.
    const stamps = [lines[0], lines[500]].map((l) => Date.parse((JSON.parse(l as string) as { timestamp: string }).timestamp));
    assert.ok(Math.abs((stamps[1] as number) - (stamps[0] as number)) < 1000, `${lines[0]} / ${lines[500]}`);
  });

  it('leaves to the general chain what it cannot write alone (a child logger’s metadata)', async () => {
    const { logger, lines } = capturing();
    const child = logger.child({ tenant: { id: 7 }, password: 'hunter2' });
    for (const path of ['/x', '/y']) logAccess(child, { requestId: 'r', method: 'GET', path, status: 200, durationMs: 1 });
    await turn();
    assert.equal(lines.length, 2);
    const written = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      written.map((l) => [l.path, l.tenant, l.password, l.message]),
      [
        ['/x', { id: 7 }, '[redacted]', 'request'],
        ['/y', { id: 7 }, '[redacted]', 'request'],
      ],
    );
  });
});
