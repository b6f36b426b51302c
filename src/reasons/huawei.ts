import type { Reason } from './catalog.js';

/**
 * The Huawei CC-Gateway dialect, both directions: what the embedded engine's CC-Gateway face answers
 * for a shared reason, and what a gateway retcode means to the Huawei adapter (source:
 * ../shared/reference/huawei.md §1.2).
 */

/**
 * CC-Gateway retcodes (agent interface error table). The face answers only the first group; the
 * rest are documented codes a real gateway may send, which the adapter must read too. 999-001 is
 * not in the stored doc copies but in Huawei's sample code (huawei.md §1.2).
 */
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
  // Documented, read by the adapter, never answered by the face.
  '000-001': 'A wrong method was used to get agent events',
  '000-005': 'The inspected agent is the inspector himself',
  '000-006': 'A message parameter is wrong',
  '100-005': 'The sign-out parameters are invalid',
  '100-008': 'The agent has already signed out',
  '100-010': 'State error at sign-out',
  '100-011': 'Invalid parameter at sign-in',
  '100-012': 'Wrong agent type at sign-in',
  '100-014': 'The phone number used at sign-in is outside the configured range',
  '100-015': 'The agent has already signed in and cannot be forcibly signed in or out',
  '100-016': 'The IP address at sign-in is invalid',
  '100-017': 'uPortal authentication failed',
  '100-018': 'The vdnId at sign-in differs from the vdnId for playback',
  '100-020': 'The agent password has expired',
  '110-016': 'The account is locked',
  '105-001': 'Disaster recovery: sign in again',
  '105-002': 'Disaster recovery: sign in again',
  '105-003': 'Disaster recovery: sign in again',
  '105-004': 'Disaster recovery: sign in again',
  '105-005': 'Disaster recovery: the wait timed out, sign in again',
  '105-006': 'Disaster recovery: the Guid does not match, sign in again',
  '105-007': 'Disaster recovery: sign in again',
  '106-001': 'The multimedia switch is off',
  '106-002': 'The message is empty',
  '106-003': 'More than 60 sessions',
  '200-001': 'The call-out number is wrong',
  '600-001': 'Queue-device query: the agent, skill or VDN configuration is missing',
  '600-002': 'Queue-device query: the agent, skill or VDN configuration is missing',
  '600-003': 'Queue-device query: the agent, skill or VDN configuration is missing',
  '600-004': 'Queue-device query: the agent, skill or VDN configuration is missing',
  '600-005': 'Queue-device query: the agent, skill or VDN configuration is missing',
  '999-001': 'Server configuration error: the WAS URL is wrong',
} as const;
export type HuaweiRetcode = keyof typeof huaweiRetcodeMessages;

/** Outbound (the CC-Gateway face): every shared reason as a documented retcode. */
export type HuaweiRetcodeTable = Record<Reason, HuaweiRetcode>;
/** Inbound (the Huawei adapter): every documented retcode as a shared reason. */
export type HuaweiReasonTable = Record<HuaweiRetcode, Reason>;

export const huaweiRetcodes: HuaweiRetcodeTable = {
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
export const huaweiSignInRetcodes: HuaweiRetcodeTable = {
  ...huaweiRetcodes,
  MISSING_PARAMETER: '100-001',
  INVALID_PARAMETER: '100-001',
  INVALID_CHANNEL: '100-001',
  OPERATION_PENDING: '100-021',
};

/**
 * CC-Gateway retcode → reason, for the adapter. Total over the documented retcodes (`satisfies`),
 * read with whatever string the wire brings: a retcode not here is an unreadable answer.
 */
export const huaweiReasons: Readonly<Record<string, Reason>> = {
  '000-001': 'INVALID_PARAMETER',
  '000-002': 'INVALID_PARAMETER',
  '000-003': 'SESSION_EXPIRED',
  '000-004': 'TWIN_ERROR',
  '000-005': 'INVALID_PARAMETER',
  '000-006': 'INVALID_PARAMETER',
  '000-007': 'OPERATION_PENDING',
  '100-001': 'INVALID_PARAMETER',
  '100-002': 'AGENT_ALREADY_LOGGED_IN',
  '100-003': 'TELEPHONY_ERROR',
  '100-004': 'UNAUTHENTICATED',
  '100-005': 'INVALID_PARAMETER',
  '100-006': 'SESSION_EXPIRED',
  '100-007': 'UNAVAILABLE',
  '100-008': 'AGENT_NOT_LOGGED_IN',
  '100-009': 'AGENT_UNAVAILABLE',
  '100-010': 'INVALID_STATE',
  '100-011': 'INVALID_PARAMETER',
  '100-012': 'INVALID_PARAMETER',
  '100-013': 'EXTENSION_ERROR',
  '100-014': 'EXTENSION_ERROR',
  '100-015': 'AGENT_ALREADY_LOGGED_IN',
  '100-016': 'INVALID_PARAMETER',
  '100-017': 'UNAUTHENTICATED',
  '100-018': 'INVALID_PARAMETER',
  '100-019': 'UNKNOWN_SERVICE',
  '100-020': 'UNAUTHENTICATED',
  '100-021': 'OPERATION_PENDING',
  '110-016': 'UNAUTHENTICATED',
  '105-001': 'TWIN_ERROR',
  '105-002': 'TWIN_ERROR',
  '105-003': 'TWIN_ERROR',
  '105-004': 'TWIN_ERROR',
  '105-005': 'TWIN_ERROR',
  '105-006': 'SESSION_EXPIRED',
  '105-007': 'TWIN_ERROR',
  '106-001': 'CHANNEL_DISABLED',
  '106-002': 'INVALID_PARAMETER',
  '106-003': 'NO_LICENSE',
  '200-001': 'INVALID_PARAMETER',
  '200-002': 'UNKNOWN_INTERACTION',
  '600-001': 'SERVICE_STATE_UNAVAILABLE',
  '600-002': 'SERVICE_STATE_UNAVAILABLE',
  '600-003': 'SERVICE_STATE_UNAVAILABLE',
  '600-004': 'SERVICE_STATE_UNAVAILABLE',
  '600-005': 'SERVICE_STATE_UNAVAILABLE',
  '999-001': 'UNAVAILABLE',
} satisfies HuaweiReasonTable;
