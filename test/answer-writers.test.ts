import assert from 'node:assert/strict';
import { DEFAULT_TARGET_NAMESPACE, jsonAnswer, operationNames, operations, type OperationName, type Result } from '../src/contract/index.js';
import { soapResponseWriter } from '../src/faces/mcc/soap-envelope.js';
import { genericJson, genericSoap } from './support/generic-answers.js';
import { prng } from './support/prng.js';

/**
 * The compiled answer writers (contract/shape.ts, one per operation and dialect) against the
 * generic ones they replaced, over many generated results: the same bytes, or the test names the
 * result that differs.
 */

const ODD = [
  '',
  'plain',
  ' leading and trailing ',
  'a&b<c>d"e\'f',
  '&amp; already escaped &lt;',
  ']]> not CDATA',
  'CR\ronly',
  'CRLF\r\nline',
  'tab\tand\nLF',
  'emoji 😀 and 𝄞',
  'lone high \uD800 surrogate',
  'lone low \uDC00 surrogate',
  'àèìòù ß 中文 العربية',
  '\u007f\u0085\u2028\u2029',
  'back\\slash and "quotes"',
  'x'.repeat(300),
  '<tag attr="v">text</tag>',
];

describe('compiled answer writers', () => {
  const random = prng(14);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const valueFor = (type: unknown): unknown => {
    if (type === 'int') return pick([0, 1003, -1, 2147483647, -2147483648]);
    if (type === 'serviceStateMap') {
      const n = Math.floor(random() * 4);
      return Object.fromEntries(Array.from({ length: n }, (_, i) => [i === 2 ? pick(ODD) || 'k' : `S${i}`, pick(['OPEN', 'CLOSED', 'OVERTIME', 'UNKNOWN'])]));
    }
    if (typeof type === 'object') return pick(['SUCCESS', 'FAILED', 'QUEUED', 'GENERIC', 'INVALID_SESSION_ID']);
    return pick(ODD);
  };
  const results = (op: OperationName, count: number): Array<Result<OperationName>> =>
    Array.from({ length: count }, (_, k) => {
      const values: Record<string, unknown> = {};
      for (const field of operations[op].result.fields) {
        // Every field present, every field absent, and random subsets (the first field too).
        if (k === 0 || (k !== 1 && random() < 0.6)) values[field.name] = valueFor(field.type);
      }
      // What a Result may carry besides its declared fields never reaches the client.
      if (random() < 0.3) values.undeclared = 'leak';
      if (random() < 0.2) values.queuePosition = 7;
      return values as Result<OperationName>;
    });

  for (const op of operationNames) {
    it(`${op}: JSON and SOAP answers are the generic writers' bytes`, () => {
      const namespaces = [DEFAULT_TARGET_NAMESPACE, 'urn:a&b"<c\'d>e'];
      const writers = namespaces.map((ns) => [ns, soapResponseWriter(ns)] as const);
      for (const result of results(op, 400)) {
        assert.equal(jsonAnswer(op, result), genericJson(op, result), `JSON of ${JSON.stringify(result)}`);
        for (const [ns, write] of writers) assert.equal(write(op, result), genericSoap(op, result, ns), `SOAP (${ns}) of ${JSON.stringify(result)}`);
      }
    });
  }

  it('writes what JSON.parse reads back as the declared fields', () => {
    const result = { result: 'SUCCESS', sessionId: 'a"\\\u2028😀', status: 'QUEUED', customMessage: 'x', extra: 1 } as Result<'checkSessionState'>;
    assert.deepEqual(JSON.parse(jsonAnswer('checkSessionState', result)), {
      result: 'SUCCESS',
      sessionId: 'a"\\\u2028😀',
      status: 'QUEUED',
      customMessage: 'x',
    });
  });
});
