import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecurityConfig } from '../../config/index.js';
import { basicCredentials } from '../http.js';

/** A WS-Security UsernameToken as found in a SOAP header. */
export interface UsernameToken {
  username: string;
  password: string;
  /** PasswordText or PasswordDigest (the Type attribute's fragment). */
  passwordType: 'PasswordText' | 'PasswordDigest';
  nonce?: string | undefined;
  created?: string | undefined;
}

export type Verdict = { ok: true; principal: string } | { ok: false; message: string };

const digest = (s: string | Buffer) => createHash('sha256').update(s).digest();
/** Equal in constant time whatever the lengths (both sides hashed first). */
const same = (a: string | Buffer, b: string | Buffer) => timingSafeEqual(digest(a), digest(b));

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of a base64 text written the one canonical way (padded, nothing else), or null. */
function canonicalBase64(text: string): Buffer | null {
  if (text.length === 0 || !BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  // Non-zero bits in the last character's unused part decode to the same bytes: refuse them too.
  return bytes.toString('base64') === text ? bytes : null;
}

/**
 * The MCC faces' credentials: HTTP Basic users, API keys and WS-Security UsernameToken users, off
 * until one is configured. Secrets are compared in constant time and never leave this module (no
 * message here names one). UsernameToken digests follow the OASIS UsernameToken Profile 1.1:
 * Base64(SHA-1(nonce + created + password)); a nonce is accepted once within the allowed clock skew,
 * and a Created timestamp outside it is refused (replay protection). The nonce cache is per process.
 */
export class Credentials {
  private readonly seenNonces = new Map<string, number>();
  private static readonly MAX_NONCES = 100_000;

  constructor(private readonly config: SecurityConfig) {}

  /** Is any mechanism configured? Without one the faces are open. */
  get enabled(): boolean {
    return this.config.basic.length > 0 || this.config.apiKeys.length > 0 || (this.config.wsSecurity?.users.length ?? 0) > 0;
  }

  get protectsContracts(): boolean {
    return this.enabled && this.config.protectContracts;
  }

  /** WS-Security is configured: the SOAP face processes wsse:Security header blocks. */
  get acceptsUsernameTokens(): boolean {
    return this.config.wsSecurity !== undefined;
  }

  /** API keys are configured (X-API-Key). */
  get acceptsApiKeys(): boolean {
    return this.config.apiKeys.length > 0;
  }

  get offersBasic(): boolean {
    return this.config.basic.length > 0;
  }

  /** From the HTTP headers: `Authorization: Basic …` or `X-API-Key`; undefined when neither is there. */
  fromHeaders(authorization: string | undefined, apiKey: string | undefined): Verdict | undefined {
    if (apiKey) {
      let found: string | undefined;
      for (const k of this.config.apiKeys) if (same(k.key, apiKey)) found = k.name;
      return found ? { ok: true, principal: `key:${found}` } : { ok: false, message: 'the API key is not valid' };
    }
    const basic = basicCredentials(authorization);
    if (basic) {
      const { username, password } = basic;
      let match = false;
      for (const u of this.config.basic) if (same(u.username, username) && same(u.password, password)) match = true;
      return match ? { ok: true, principal: username } : { ok: false, message: 'wrong username or password' };
    }
    return undefined;
  }

  /** A UsernameToken from the SOAP header. */
  fromUsernameToken(t: UsernameToken, now = Date.now()): Verdict {
    const wss = this.config.wsSecurity;
    const user = wss?.users.find((u) => same(u.username, t.username));
    if (!wss || !user) return { ok: false, message: 'The security token could not be authenticated or authorized' };
    const skewMs = wss.maxSkewSeconds * 1000;
    if (t.created !== undefined) {
      const at = Date.parse(t.created);
      if (Number.isNaN(at) || Math.abs(now - at) > skewMs) return { ok: false, message: 'The message has expired: Created is outside the allowed clock skew' };
    }
    if ((t.passwordType === 'PasswordDigest' || wss.requireNonce) && (t.nonce === undefined || t.created === undefined)) {
      return { ok: false, message: `${t.passwordType === 'PasswordDigest' ? 'A PasswordDigest' : 'This service'} needs a Nonce and a Created timestamp` };
    }
    // The digest reads the nonce's bytes, so the replay cache must too: a second spelling of the same
    // bytes (whitespace, padding, stray characters base64 decoding skips) would otherwise replay.
    const nonce = t.nonce === undefined ? undefined : canonicalBase64(t.nonce);
    if (nonce === null) return { ok: false, message: 'The Nonce is not canonical base64' };
    if (t.passwordType === 'PasswordDigest') {
      const expected = createHash('sha1')
        .update(Buffer.concat([nonce as Buffer, Buffer.from(t.created as string, 'utf8'), Buffer.from(user.password, 'utf8')]))
        .digest('base64');
      if (!same(expected, t.password)) return { ok: false, message: 'The security token could not be authenticated or authorized' };
    } else if (!same(user.password, t.password)) {
      return { ok: false, message: 'The security token could not be authenticated or authorized' };
    }
    if (nonce !== undefined && !this.firstUse(`${t.username}\u0000${nonce.toString('hex')}`, now, skewMs)) {
      return { ok: false, message: 'The nonce was used before (replay)' };
    }
    return { ok: true, principal: t.username };
  }

  /** Remember a nonce for as long as its message could be valid; false if already seen. */
  private firstUse(key: string, now: number, ttlMs: number): boolean {
    const until = this.seenNonces.get(key);
    if (until !== undefined && until > now) return false;
    if (this.seenNonces.size >= Credentials.MAX_NONCES) {
      for (const [k, v] of this.seenNonces) if (v <= now) this.seenNonces.delete(k);
      // Still full of live nonces: refuse rather than forget one that could be replayed.
      if (this.seenNonces.size >= Credentials.MAX_NONCES) return false;
    }
    this.seenNonces.set(key, now + 2 * ttlMs);
    return true;
  }
}
