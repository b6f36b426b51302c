import { DEFAULT_TARGET_NAMESPACE } from '../src/contract/index.js';
import { SESSION_ID } from './fixture.js';
import type { Request } from './load.js';

/** What the bench sends: the same bytes to every anchor and to the bridge. */

const REST = '/mc/cxf/rest/json';

const soapEnvelope =
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:mcc="${DEFAULT_TARGET_NAMESPACE}">` +
  `<soapenv:Body><mcc:checkSessionState><sessionId>${SESSION_ID}</sessionId></mcc:checkSessionState></soapenv:Body></soapenv:Envelope>`;

export const checkSession =
  (sessionId = SESSION_ID) =>
  (base: string): Request => ({ url: `${base}${REST}/checkSession?sessionId=${sessionId}`, method: 'GET' });

export const soapCheck = (base: string): Request => ({
  url: `${base}/mc/cxf/soap`,
  method: 'POST',
  headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
  body: soapEnvelope,
});

/** Each call creates a session (generated id) and is answered only once it is committed. */
export const startSession = (base: string): Request => ({ url: `${base}${REST}/startSession?channelId=1003&serviceid=CHAT`, method: 'GET' });

export const getServiceState = (base: string): Request => ({ url: `${base}${REST}/getServiceState?channelId=1003&serviceCodes=CHAT`, method: 'GET' });

export const closeSessionPath = (sessionId: string) => `${REST}/closeSession?sessionId=${sessionId}&reason=REQUEST_FROM_CALLER`;

/** The queue servers' one agent signs in through the Huawei face: auto-answer, ready, back to idle after each session. */
export async function signInRouter(base: string): Promise<void> {
  const res = await fetch(`${base}/agentgateway/resource/onlineagent/201/loginex`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: 'router-pw', autoanswer: true, autoenteridle: true, status: 4 }),
  });
  const text = await res.text();
  if (res.status !== 200 || !/"retcode":"0"/.test(text)) throw new Error(`the agent's sign-in answered ${res.status}: ${text.slice(0, 300)}`);
}

export const QUEUED = /"status":"QUEUED"/;
export const ASSIGNED = /"status":"ASSIGNED"/;
export const SOAP_QUEUED = /<result>SUCCESS<\/result>[\s\S]*<status>QUEUED<\/status>/;
export const SUCCESS = /"result":"SUCCESS"/;
/** Queued, at this position (the customMessage says it). */
export const at = (position: number) => new RegExp(`^(?=[\\s\\S]*"status":"QUEUED")(?=[\\s\\S]*Position ${position} in queue)`);
