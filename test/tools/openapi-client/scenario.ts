/**
 * The REST scenario through openapi-fetch, typed by what openapi-typescript generated from the
 * served OpenAPI document (`./mcc.js`, written beside this file by test/openapi-client.test.ts).
 * Compiled against those types, so a document that stops describing a call breaks the build.
 *
 * usage: node scenario.js BASE_URL CHANNEL_ID SERVICE_CODE AGENT_USERNAME [API_KEY]
 * Prints one JSON object {step: result}; exits non-zero on any HTTP error.
 */
import createClient from 'openapi-fetch';
import type { paths } from './mcc.js';

const [baseUrl = '', channel = '', service = '', agent = '', apiKey] = process.argv.slice(2);
const channelId = Number(channel);
const mcc = createClient<paths>({ baseUrl, headers: apiKey ? { 'X-API-Key': apiKey } : {} });

/** The result of a call, or a thrown error saying which HTTP status and body came instead. */
async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (data === undefined) throw new Error(`HTTP ${response.status}: ${JSON.stringify(error)}`);
  return data;
}

const steps: Record<string, unknown> = {};
steps.getServiceState = await answer(mcc.GET('/getServiceState', { params: { query: { channelId, serviceCodes: [service, 'NOPE'] } } }));
const started = await answer(
  mcc.GET('/startSession', { params: { query: { channelId, serviceid: service, data: 'from-openapi', contactId: 'c-openapi', contactValue: '+39 000' } } }),
);
steps.startSession = started;
const sessionId = started.sessionId ?? '';
steps.checkSessionState = await answer(mcc.GET('/checkSession', { params: { query: { sessionId } } }));
steps.sessionAccept = await answer(mcc.GET('/sessionAccept', { params: { query: { sessionId } } }));
steps.setSessionData = await answer(mcc.PUT('/setSessionData', { body: { sessionId, sessionData: 'x&y <z>' } }));
steps.checkSessionStateWithData = await answer(mcc.GET('/checkSessionWithData', { params: { query: { sessionId } } }));
steps.clearSessionData = await answer(mcc.PUT('/setSessionData', { body: { sessionId } }));
steps.closeSession = await answer(mcc.GET('/closeSession', { params: { query: { sessionId, reason: 'REQUEST_FROM_CALLER' } } }));
steps.checkSessionStateAfterClose = await answer(mcc.GET('/checkSession', { params: { query: { sessionId } } }));
steps.logoutAgentFromChannel = await answer(mcc.GET('/logoutAgentFromChannel', { params: { query: { channelId, agentUsername: agent } } }));
steps.startSessionBadChannel = await answer(mcc.GET('/startSession', { params: { query: { channelId: 42, serviceid: service } } }));
// A refusal comes back typed as the document's Error.
const refused = await mcc.GET('/closeSession', { params: { query: { sessionId, reason: 'BECAUSE' as 'REQUEST_FROM_CALLER' } } });
steps.refused = { status: refused.response.status, error: refused.error };
console.log(JSON.stringify(steps));
