import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_TARGET_NAMESPACE } from '../../src/contract/index.js';

/** A SOAP checkSessionState with a hand-made UsernameToken (for replays and bad digests); `nonceText` spells the nonce another way. */
export function tokenEnvelope(t: { username: string; password: string; digest?: boolean; nonce?: Buffer; created?: string; nonceText?: string }): string {
  const created = t.created ?? new Date().toISOString();
  const nonce = t.nonce ?? randomBytes(16);
  const password = t.digest
    ? createHash('sha1')
        .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(t.password)]))
        .digest('base64')
    : t.password;
  const type = t.digest ? 'PasswordDigest' : 'PasswordText';
  return `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:mcc="${DEFAULT_TARGET_NAMESPACE}">
<soapenv:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">
<wsse:UsernameToken><wsse:Username>${t.username}</wsse:Username>
<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#${type}">${password}</wsse:Password>
<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${t.nonceText ?? nonce.toString('base64')}</wsse:Nonce>
<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security></soapenv:Header>
<soapenv:Body><mcc:checkSessionState><sessionId>none</sessionId></mcc:checkSessionState></soapenv:Body></soapenv:Envelope>`;
}
