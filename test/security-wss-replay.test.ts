import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { postSoap, startTestBridge, type TestBridge } from './support/bridge.js';
import { tokenEnvelope } from './support/wss.js';

const users = [{ username: 'wsuser', password: 'ws-secret-pw' }];

/**
 * The replay cache and the digest must read the same thing: the nonce's bytes. A captured message
 * whose nonce is spelled another way (same bytes for a lenient base64 decoder) must not go through.
 */
describe('WS-Security replay protection', () => {
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge({ security: { wsSecurity: { users } } });
  });
  after(() => b.close());

  const respellings: Array<[string, (canonical: string) => string]> = [
    ['a trailing newline inside the text', (n) => `${n}&#10;`],
    ['a leading space inside the text', (n) => `&#32;${n}`],
    ['a stray character a decoder skips', (n) => `${n.slice(0, 4)}!${n.slice(4)}`],
    ['the padding removed', (n) => n.replace(/=+$/, '')],
    ['extra padding', (n) => `${n}==`],
    ['unused low bits set in the last character', (n) => `${n.slice(0, -3)}${String.fromCharCode(n.charCodeAt(n.length - 3) + 1)}==`],
  ];

  for (const [name, respell] of respellings) {
    it(`refuses a replay with ${name}`, async () => {
      const nonce = randomBytes(16); // 16 bytes: 22 characters and "==" of padding
      const created = new Date().toISOString();
      const first = await postSoap(b.url, tokenEnvelope({ ...users[0]!, digest: true, nonce, created }));
      assert.equal(first.status, 200, first.text);
      const replay = await postSoap(b.url, tokenEnvelope({ ...users[0]!, digest: true, nonce, created, nonceText: respell(nonce.toString('base64')) }));
      assert.equal(replay.status, 500, replay.text);
      assert.match(replay.text, /wsse:FailedAuthentication/);
    });
  }

  it('still takes a fresh nonce spelled canonically, and PasswordText without a nonce when requireNonce is off', async () => {
    const fresh = await postSoap(b.url, tokenEnvelope({ ...users[0]!, digest: true }));
    assert.equal(fresh.status, 200, fresh.text);
    const plain = await postSoap(
      b.url,
      tokenEnvelope({ ...users[0]!, nonceText: '' }).replace(/<wsse:Nonce[^>]*><\/wsse:Nonce>\s*<wsu:Created>[^<]*<\/wsu:Created>/, ''),
    );
    assert.equal(plain.status, 200, plain.text);
  });

  it('requireNonce refuses a PasswordText token without Nonce and Created', async () => {
    const strict = await startTestBridge({ security: { wsSecurity: { users, requireNonce: true } } });
    try {
      const plain = await postSoap(
        strict.url,
        tokenEnvelope({ ...users[0]!, nonceText: '' }).replace(/<wsse:Nonce[^>]*><\/wsse:Nonce>\s*<wsu:Created>[^<]*<\/wsu:Created>/, ''),
      );
      assert.equal(plain.status, 500, plain.text);
      assert.match(plain.text, /needs a Nonce and a Created/);
      const withNonce = await postSoap(strict.url, tokenEnvelope({ ...users[0]! }));
      assert.equal(withNonce.status, 200, withNonce.text);
    } finally {
      await strict.close();
    }
  });
});
