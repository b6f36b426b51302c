import type { Reason } from './catalog.js';

/**
 * The XiVO XUC dialect, both directions: what the embedded engine's XUC face answers for a shared
 * reason, and what an XUC error name means to the XiVO adapter (sources: ../shared/reference/xivo.md
 * §1.1, §1.2 and §4).
 */

/**
 * XUC error names. The documented ones (xivo.md §1.1 token login in 2022.10 and 2017.03, §1.2 the
 * loggedOn errors, §4.2 agent login) come first; XUC's server source is not public, so the errors of
 * pause, queue, callback and logout commands are named here in the same style.
 */
export const xivoErrorNames = {
  PhoneNumberUnknown: 'documented',
  LoggedInOnAnotherPhone: 'documented',
  InvalidCredentials: 'documented',
  UserNotFound: 'documented',
  InvalidPassword: 'documented',
  TokenExpired: 'documented',
  loggedOnFailed: 'documented',
  loggedOnTimeout: 'documented',
  InvalidJson: 'documented',
  UnhandledError: 'documented',
  AgentNotFound: 'inferred',
  AgentNotLoggedIn: 'inferred',
  AgentUnavailable: 'inferred',
  QueueNotFound: 'inferred',
  NotFound: 'inferred',
  InvalidState: 'inferred',
  NotAuthorized: 'inferred',
  AsteriskError: 'inferred',
  AmiError: 'inferred',
} as const;
export type XivoError = keyof typeof xivoErrorNames;

/**
 * The names the adapter does not read: the face says them, but no XUC source shows them, so a
 * remote XUC sending one is still an unreadable answer. Listed so the gap is a decision, not an omission.
 */
type XivoFaceOnlyError = 'AgentUnavailable' | 'InvalidState' | 'NotAuthorized';

/** Outbound (the XUC face): every shared reason as an XUC error name. */
export type XivoErrorTable = Record<Reason, XivoError>;
/** Inbound (the XiVO adapter): every name the adapter reads as a shared reason. */
export type XivoReasonTable = Record<Exclude<XivoError, XivoFaceOnlyError>, Reason>;

export const xivoErrors: XivoErrorTable = {
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

/**
 * XUC error name → reason, for the adapter; the Asterisk-side failures are what LOGOUT_ASTERISK_ERROR
 * reports. Total over the names it reads (`satisfies`), read with whatever string the wire brings: a
 * name not here is an unreadable answer.
 */
export const xivoReasons: Readonly<Record<string, Reason>> = {
  PhoneNumberUnknown: 'UNKNOWN_DEVICE',
  LoggedInOnAnotherPhone: 'AGENT_ALREADY_LOGGED_IN',
  InvalidCredentials: 'UNAUTHENTICATED',
  UserNotFound: 'UNAUTHENTICATED',
  InvalidPassword: 'UNAUTHENTICATED',
  TokenExpired: 'SESSION_EXPIRED',
  loggedOnFailed: 'SESSION_EXPIRED',
  loggedOnTimeout: 'TIMEOUT',
  InvalidJson: 'INVALID_PARAMETER',
  UnhandledError: 'UNAVAILABLE',
  AgentNotFound: 'UNKNOWN_AGENT',
  AgentNotLoggedIn: 'AGENT_NOT_LOGGED_IN',
  QueueNotFound: 'UNKNOWN_SERVICE',
  NotFound: 'UNKNOWN_INTERACTION',
  AsteriskError: 'TELEPHONY_ERROR',
  AmiError: 'TELEPHONY_ERROR',
} satisfies XivoReasonTable;
