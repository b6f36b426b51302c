import assert from 'node:assert/strict';
import { decodeNotReady, encodeNotReady, type NotReadyReason } from '../src/backends/not-ready.js';

/** Every kind of reason with the text the store has always held for it. */
const cases: Array<[NotReadyReason, string]> = [
  [{ kind: 'busy' }, 'busy'],
  [{ kind: 'busy', code: 205 }, 'busy:205'],
  [{ kind: 'rest', cause: 3, seconds: 600 }, 'rest:3:600'],
  [{ kind: 'wrap-up' }, 'wrap-up'],
  [{ kind: 'no-answer' }, 'no answer'],
  [{ kind: 'pause', label: 'lunch' }, 'lunch'],
  [{ kind: 'pause', label: 'AuxWork' }, 'AuxWork'],
];

describe('not-ready reasons', () => {
  for (const [reason, text] of cases) {
    it(`${reason.kind} ${text}: encodes to the stored text and decodes back`, () => {
      assert.equal(encodeNotReady(reason), text);
      assert.deepEqual(decodeNotReady(text), reason);
    });
  }

  it('reads any other text as a pause label, the near misses of the reserved forms included', () => {
    for (const text of ['paused', 'restroom', 'rest', 'rest:1', 'rest:a:5', 'busy:', 'busy:x', 'busy:07', 'rest:01:5', 'Busy', 'no-answer', 'wrapup', '']) {
      assert.deepEqual(decodeNotReady(text), { kind: 'pause', label: text }, text);
      assert.equal(encodeNotReady(decodeNotReady(text)), text);
    }
  });
});
