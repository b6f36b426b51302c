import assert from 'node:assert/strict';
import { own } from '../src/backends/remote/client.js';
import { huaweiReasons, xivoReasons } from '../src/reasons/index.js';

/** Codes come from the wire: a vendor (or whoever speaks for it) naming an inherited member gets nothing. */
describe('vendor codes are looked up among our own keys only', () => {
  for (const hostile of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    it(`"${hostile}" is an unknown code, not a member of the table`, () => {
      assert.equal(own(huaweiReasons, hostile), undefined);
      assert.equal(own(xivoReasons, hostile), undefined);
      // The plain index, which the adapters used before, finds the inherited member.
      assert.notEqual((huaweiReasons as Record<string, unknown>)[hostile], undefined);
    });
  }

  it('still finds every documented code', () => {
    for (const [code, reason] of Object.entries(huaweiReasons)) assert.equal(own(huaweiReasons, code), reason);
    for (const [code, reason] of Object.entries(xivoReasons)) assert.equal(own(xivoReasons, code), reason);
  });
});
