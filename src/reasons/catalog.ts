/**
 * The one failure vocabulary of mcc-bridge. Backends speak it (a vendor adapter translates its own
 * codes into it at its edge), and every face maps it onto its own codes: the MCC fail reasons per
 * operation in `mcc.ts`, and one file per vendor dialect (`genesys.ts`, `huawei.ts`, `xivo.ts`) holding
 * both the agent face's codes for a reason and the adapter's reading of the vendor's codes.
 * Each table is a `Record<Reason, …>`, so adding a reason here is a compile error until every face
 * has decided how to say it.
 */
export const reasonCatalog = {
  // request shape
  MISSING_PARAMETER: 'A required parameter is missing or empty',
  INVALID_PARAMETER: 'A parameter has an invalid value',
  INVALID_CHANNEL: 'The channel id is not an MCC channel (1, 2, 3 or 1003)',
  INVALID_INTERACTION_ID: 'The session id is malformed',
  INVALID_SERVICE_CODES: 'The service codes are missing or malformed',
  // configuration / licensing
  UNKNOWN_CHANNEL: 'The channel is not configured on this installation',
  CHANNEL_DISABLED: 'The channel is not enabled',
  NO_LICENSE: 'The channel is not licensed or its concurrent sessions are in use',
  UNKNOWN_SERVICE: 'The service is not configured on the channel',
  SERVICE_DISABLED: 'The service is not enabled on the channel',
  SERVICE_STATE_UNAVAILABLE: 'The service state cannot be determined',
  // interactions
  DUPLICATE_INTERACTION: 'An interaction with this id already exists',
  UNKNOWN_INTERACTION: 'No interaction has this id',
  INTERACTION_CLOSED: 'The interaction is already closed',
  CLOSE_PENDING: 'Another close of this interaction is in progress',
  OPERATION_PENDING: 'The same request is already being processed',
  INVALID_STATE: 'The interaction is not in a state that allows this operation',
  // agents
  UNKNOWN_AGENT: 'No user has this username',
  NOT_AN_AGENT: 'The user has no agent profile',
  AGENT_NOT_LOGGED_IN: 'The agent is not logged in on the channel',
  AGENT_UNAVAILABLE: 'The agent cannot take the interaction (not skilled, not ready or at capacity)',
  AGENT_ALREADY_LOGGED_IN: 'The agent is already logged in elsewhere',
  REQUEST_REJECTED: 'The contact center rejected the request',
  UNKNOWN_DEVICE: 'The phone number or device is not known',
  // access (the agent faces)
  UNAUTHENTICATED: 'The credentials are missing or wrong',
  SESSION_EXPIRED: 'The agent session (Guid, token) is unknown or has expired',
  FORBIDDEN: 'The user may not do this',
  // platform
  TIMEOUT: 'The contact center did not answer in time',
  INVALID_RESPONSE: 'The contact center answered something unreadable',
  UNAVAILABLE: 'The contact center cannot be reached',
  STORE_ERROR: 'The session store failed',
  LICENSE_ERROR: 'The contact center refused for a license reason',
  EXTENSION_ERROR: 'The agent extension or device failed',
  TELEPHONY_ERROR: 'The telephony server (Asterisk) failed',
  TWIN_ERROR: 'The twin (redundant) node failed',
  INTERNAL: 'An unexpected error',
} as const;

export type Reason = keyof typeof reasonCatalog;
export const reasons = Object.keys(reasonCatalog) as Reason[];

/** A failure in the shared vocabulary, with a message a person can act on. */
export interface Failure {
  readonly ok: false;
  readonly reason: Reason;
  readonly message: string;
}
export type Outcome<T> = { readonly ok: true; readonly value: T } | Failure;

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = (reason: Reason, message: string = reasonCatalog[reason]): Failure => ({ ok: false, reason, message });
