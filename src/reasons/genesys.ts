import type { Reason } from './catalog.js';

/**
 * The Genesys GWS dialect, both directions: what the embedded engine's GWS face answers for a shared
 * reason, and what a GWS statusCode means to the Genesys adapter (source: ../shared/reference/genesys.md §1).
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

/** Outbound (the GWS face): every shared reason as a documented statusCode. */
export type GenesysStatusTable = Record<Reason, GenesysStatusCode>;
/** Inbound (the Genesys adapter): every documented statusCode as a shared reason. */
export type GenesysReasonTable = Record<GenesysStatusCode, Reason>;

export const genesysStatusCodes: GenesysStatusTable = {
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

/**
 * GWS statusCode → reason, for the adapter. Total over the documented codes (`satisfies`), read with
 * whatever number the wire brings: a code not here is an unreadable answer.
 */
export const genesysReasons: Readonly<Record<number, Reason>> = {
  1: 'MISSING_PARAMETER',
  2: 'INVALID_STATE',
  3: 'REQUEST_REJECTED',
  4: 'UNAVAILABLE',
  5: 'FORBIDDEN',
  6: 'UNKNOWN_INTERACTION',
  7: 'REQUEST_REJECTED',
  8: 'UNAUTHENTICATED',
  9: 'OPERATION_PENDING',
  10: 'INVALID_PARAMETER',
  11: 'INVALID_PARAMETER',
  12: 'UNAVAILABLE',
  13: 'REQUEST_REJECTED',
  14: 'REQUEST_REJECTED',
  15: 'REQUEST_REJECTED',
  16: 'AGENT_UNAVAILABLE',
  17: 'REQUEST_REJECTED',
  18: 'DUPLICATE_INTERACTION',
  19: 'REQUEST_REJECTED',
  20: 'UNAUTHENTICATED',
} satisfies GenesysReasonTable;
