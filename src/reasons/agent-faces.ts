import type { Reason } from './catalog.js';

/**
 * How each shared reason is said by the agent faces of the embedded engine: Genesys GWS
 * `statusCode`, Huawei CC-Gateway `retcode` and XiVO XUC error names. Like the MCC tables these
 * are total over `Reason`, and every value must be one of the vendor's own codes listed below
 * (sources: ../shared/reference/genesys.md §1, huawei.md §1.2, xivo.md §1.1 and §4.2).
 */

/** GWS statusCode values (Return Values page, 8.5.2 / 8.6.0); 0 is success, 7 partial success. */
export const genesysStatusMessages = {
  1: 'A required parameter is missing',
  2: 'A specified parameter is not valid for the current state',
  3: 'The operation is forbidden',
  4: 'Internal error',
  5: 'The user does not have permission to perform this operation',
  6: 'The requested resource does not exist',
  7: 'Partial success',
  8: 'Password change demanded',
  9: 'Processing incomplete',
  10: 'Input validation error',
  11: 'Attempt to change a read-only property',
  12: 'Unable to retrieve resource',
  13: 'Unable to create resource',
  14: 'Unable to delete resource',
  15: 'Unable to update resource',
  16: 'Unable to assign resource',
  17: 'Unable to unassign resource',
  18: 'Resource already exists',
  19: 'Resource already in use',
  20: 'User not authenticated',
} as const;
export type GenesysStatusCode = keyof typeof genesysStatusMessages;

export const genesysStatusCodes: Record<Reason, GenesysStatusCode> = {
  MISSING_PARAMETER: 1,
  // The seed's own example: an invalid workmode answers 2.
  INVALID_PARAMETER: 2,
  INVALID_CHANNEL: 2,
  INVALID_INTERACTION_ID: 6,
  INVALID_SERVICE_CODES: 2,
  // The seed's partial-success example: a channel that cannot be used answers 3.
  UNKNOWN_CHANNEL: 3,
  CHANNEL_DISABLED: 3,
  NO_LICENSE: 3,
  UNKNOWN_SERVICE: 6,
  SERVICE_DISABLED: 3,
  SERVICE_STATE_UNAVAILABLE: 12,
  DUPLICATE_INTERACTION: 18,
  UNKNOWN_INTERACTION: 6,
  INTERACTION_CLOSED: 2,
  CLOSE_PENDING: 9,
  OPERATION_PENDING: 9,
  INVALID_STATE: 2,
  UNKNOWN_AGENT: 6,
  NOT_AN_AGENT: 5,
  AGENT_NOT_LOGGED_IN: 2,
  AGENT_UNAVAILABLE: 16,
  AGENT_ALREADY_LOGGED_IN: 19,
  REQUEST_REJECTED: 3,
  UNKNOWN_DEVICE: 6,
  UNAUTHENTICATED: 20,
  SESSION_EXPIRED: 20,
  FORBIDDEN: 5,
  TIMEOUT: 4,
  INVALID_RESPONSE: 4,
  UNAVAILABLE: 4,
  STORE_ERROR: 4,
  LICENSE_ERROR: 3,
  EXTENSION_ERROR: 4,
  TELEPHONY_ERROR: 4,
  TWIN_ERROR: 4,
  INTERNAL: 4,
};

/** The HTTP status beside a statusCode. GWS documents none; clients key on statusCode (genesys.md §1). */
export function genesysHttpStatus(code: GenesysStatusCode | 0): number {
  switch (code) {
    case 0:
    case 7:
      return 200;
    case 20:
      return 401;
    case 3:
    case 5:
      return 403;
    case 6:
      return 404;
    case 18:
    case 19:
    case 9:
      return 409;
    case 4:
    case 12:
    case 13:
    case 14:
    case 15:
      return 500;
    default:
      return 400;
  }
}

/** CC-Gateway retcodes (agent interface error table). */
export const huaweiRetcodeMessages = {
  '000-002': 'The parameter or the address in the URL is wrong',
  '000-003': 'No permission to call the interface: the agent authentication (Guid) is missing or expired',
  '000-004': 'The agent is being switched over',
  '000-007': 'The interface is invoked repeatedly',
  '100-001': 'The sign-in parameters are empty or invalid',
  '100-002': 'The agent has already signed in',
  '100-003': 'A CTI resource is unavailable',
  '100-004': 'The user name or password is wrong',
  '100-006': 'The agent has not signed in',
  '100-007': 'An exception occurred during the agent operation',
  '100-009': 'Setting the agent state failed',
  '100-013': 'The phone number to bind is invalid',
  '100-019': 'Invalid parameter when querying skill queues',
  '100-021': 'The agent sign-in is already in progress',
  '200-002': 'There is no call to answer',
} as const;
export type HuaweiRetcode = keyof typeof huaweiRetcodeMessages;

export const huaweiRetcodes: Record<Reason, HuaweiRetcode> = {
  MISSING_PARAMETER: '000-002',
  INVALID_PARAMETER: '000-002',
  INVALID_CHANNEL: '000-002',
  INVALID_INTERACTION_ID: '000-002',
  INVALID_SERVICE_CODES: '100-019',
  UNKNOWN_CHANNEL: '100-007',
  CHANNEL_DISABLED: '100-007',
  NO_LICENSE: '100-007',
  UNKNOWN_SERVICE: '100-019',
  SERVICE_DISABLED: '100-007',
  SERVICE_STATE_UNAVAILABLE: '100-007',
  DUPLICATE_INTERACTION: '100-007',
  UNKNOWN_INTERACTION: '200-002',
  INTERACTION_CLOSED: '200-002',
  CLOSE_PENDING: '000-007',
  OPERATION_PENDING: '000-007',
  INVALID_STATE: '100-009',
  UNKNOWN_AGENT: '000-002',
  NOT_AN_AGENT: '100-009',
  AGENT_NOT_LOGGED_IN: '100-006',
  AGENT_UNAVAILABLE: '100-009',
  AGENT_ALREADY_LOGGED_IN: '100-002',
  REQUEST_REJECTED: '100-007',
  UNKNOWN_DEVICE: '100-013',
  UNAUTHENTICATED: '100-004',
  SESSION_EXPIRED: '000-003',
  FORBIDDEN: '000-003',
  TIMEOUT: '100-003',
  INVALID_RESPONSE: '100-007',
  UNAVAILABLE: '100-003',
  STORE_ERROR: '100-007',
  LICENSE_ERROR: '100-007',
  EXTENSION_ERROR: '100-013',
  TELEPHONY_ERROR: '100-003',
  TWIN_ERROR: '000-004',
  INTERNAL: '100-007',
};

/** At sign-in the gateway says 100-001 for any bad parameter and 100-021 for a sign-in already running. */
export const huaweiSignInRetcodes: Record<Reason, HuaweiRetcode> = {
  ...huaweiRetcodes,
  MISSING_PARAMETER: '100-001',
  INVALID_PARAMETER: '100-001',
  INVALID_CHANNEL: '100-001',
  OPERATION_PENDING: '100-021',
};

/**
 * XUC error names. The documented ones (xivo.md §1.1, §4.2) come first; XUC's server source is not
 * public, so the errors of pause, queue and callback commands are named here in the same style.
 */
export const xivoErrorNames = {
  PhoneNumberUnknown: 'documented',
  LoggedInOnAnotherPhone: 'documented',
  InvalidCredentials: 'documented',
  TokenExpired: 'documented',
  InvalidJson: 'documented',
  UnhandledError: 'documented',
  AgentNotFound: 'inferred',
  AgentNotLoggedIn: 'inferred',
  AgentUnavailable: 'inferred',
  QueueNotFound: 'inferred',
  NotFound: 'inferred',
  InvalidState: 'inferred',
  NotAuthorized: 'inferred',
} as const;
export type XivoError = keyof typeof xivoErrorNames;

export const xivoErrors: Record<Reason, XivoError> = {
  MISSING_PARAMETER: 'InvalidJson',
  INVALID_PARAMETER: 'InvalidJson',
  INVALID_CHANNEL: 'InvalidJson',
  INVALID_INTERACTION_ID: 'InvalidJson',
  INVALID_SERVICE_CODES: 'InvalidJson',
  UNKNOWN_CHANNEL: 'QueueNotFound',
  CHANNEL_DISABLED: 'QueueNotFound',
  NO_LICENSE: 'UnhandledError',
  UNKNOWN_SERVICE: 'QueueNotFound',
  SERVICE_DISABLED: 'QueueNotFound',
  SERVICE_STATE_UNAVAILABLE: 'UnhandledError',
  DUPLICATE_INTERACTION: 'InvalidState',
  UNKNOWN_INTERACTION: 'NotFound',
  INTERACTION_CLOSED: 'InvalidState',
  CLOSE_PENDING: 'InvalidState',
  OPERATION_PENDING: 'InvalidState',
  INVALID_STATE: 'InvalidState',
  UNKNOWN_AGENT: 'AgentNotFound',
  NOT_AN_AGENT: 'AgentNotFound',
  AGENT_NOT_LOGGED_IN: 'AgentNotLoggedIn',
  AGENT_UNAVAILABLE: 'AgentUnavailable',
  AGENT_ALREADY_LOGGED_IN: 'LoggedInOnAnotherPhone',
  REQUEST_REJECTED: 'UnhandledError',
  UNKNOWN_DEVICE: 'PhoneNumberUnknown',
  UNAUTHENTICATED: 'InvalidCredentials',
  SESSION_EXPIRED: 'TokenExpired',
  FORBIDDEN: 'NotAuthorized',
  TIMEOUT: 'UnhandledError',
  INVALID_RESPONSE: 'UnhandledError',
  UNAVAILABLE: 'UnhandledError',
  STORE_ERROR: 'UnhandledError',
  LICENSE_ERROR: 'UnhandledError',
  EXTENSION_ERROR: 'UnhandledError',
  TELEPHONY_ERROR: 'UnhandledError',
  TWIN_ERROR: 'UnhandledError',
  INTERNAL: 'UnhandledError',
};
