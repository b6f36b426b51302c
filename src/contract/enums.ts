/**
 * Every enumeration of the TVox MCC contract, spelled exactly as the vendor document spells them
 * (including its `UNKNOW`). The arrays are the source: XSD simpleTypes, WADL options and the
 * TypeScript unions below are all derived from them.
 */
export const enums = {
  CommandResult: ['SUCCESS', 'FAILED'],
  SessionStatus: ['NEW', 'QUEUED', 'BOOKED', 'ASSIGNED', 'CLOSED', 'UNKNOW'],
  Reason: ['REQUEST_FROM_CALLER', 'REQUEST_FROM_CALLEE'],
  ServiceState: ['ACTIVE', 'OUT_OF_SERVICE', 'OVERTIME', 'UNKNOWN_SERVICE', 'CHANNEL_NOT_ENABLED', 'SERVICE_NOT_ENABLED', 'NO_LICENSE', 'FAILED'],
  StartSessionFailReasonCode: [
    'GENERIC',
    'INVALID_CHANNEL_ID',
    'NO_LICENSE',
    'UNKNOWN_CHANNEL_ID',
    'UNKNOWN_SERVICE',
    'CHANNEL_NOT_ENABLED',
    'SERVICE_NOT_ENABLED',
    'REQUIRED_PARAMETERS',
    'DUPLICATED_SESSION_ID',
    'TIMEOUT_EXCEEDED',
    'INVALID_RESPONSE',
    'DATABASE_ERROR',
  ],
  SessionStatusFailReasonCode: [
    'GENERIC',
    'SERVICE_NOT_ENABLED',
    'INVALID_SESSION_ID',
    'SESSION_CLOSED',
    'REQUEST_REJECTED_BY_SERVICE',
    'TIMEOUT_EXCEEDED',
    'INVALID_RESPONSE',
  ],
  CheckSessionFailReasonCode: ['INVALID_SESSION_ID'],
  CheckSessionWithDataFailReasonCode: ['INVALID_SESSION_ID'],
  SetSessionDataFailReasonCode: ['INVALID_RESPONSE', 'INVALID_SESSION_ID', 'SESSION_CLOSED'],
  CloseSessionFailReasonCode: [
    'GENERIC',
    'UNKNOWN_SERVICE',
    'SERVICE_NOT_ENABLED',
    'IS_PENDING',
    'NOT_FOUND',
    'INVALID_SESSION_ID',
    'TIMEOUT_EXCEEDED',
    'INVALID_RESPONSE',
    'DATABASE_ERROR',
  ],
  GetServiceStateResultFailReasonCode: [
    'INVALID_CHANNEL_ID',
    'INVALID_SERVICE_CODES',
    'SERVICE_STATE_NOT_FOUND',
    'SERVICE_NOT_ENABLED',
    'TIMEOUT_EXCEEDED',
    'REQUEST_REJECTED_BY_SERVICE',
    'INVALID_RESPONSE',
  ],
  LogoutAgentResultFailReasonCode: [
    'INVALID_CHANNEL_ID',
    'INVALID_USERNAME',
    'INVALID_USER_PROFILES',
    'USER_NOT_LOGGED',
    'LOGOUT_DATABASE_ERROR',
    'LOGOUT_LICENSE_ERROR',
    'LOGOUT_EXTENSION_ERROR',
    'LOGOUT_USERNAME_ERROR',
    'LOGOUT_ASTERISK_ERROR',
    'LOGOUT_TWIN_ERROR',
    'LOGOUT_UNKNOWN_ERROR',
  ],
} as const;

export type EnumName = keyof typeof enums;
export type EnumValue<E extends EnumName> = (typeof enums)[E][number];

export type CommandResult = EnumValue<'CommandResult'>;
export type SessionStatus = EnumValue<'SessionStatus'>;
/** Lifecycle of an interaction behind the MCC: the SessionStatus values minus UNKNOW (a bridge-side verdict). */
export type InteractionStatus = Exclude<SessionStatus, 'UNKNOW'>;
export type CloseReason = EnumValue<'Reason'>;
export type ServiceState = EnumValue<'ServiceState'>;

export function isEnumValue<E extends EnumName>(name: E, value: unknown): value is EnumValue<E> {
  return (enums[name] as readonly unknown[]).includes(value);
}

/** Channel ids the MCC contract knows: custom channels 1–3 and LiveHelp (web chat). */
export const CHANNEL_IDS = [1, 2, 3, 1003] as const;
export type ChannelId = (typeof CHANNEL_IDS)[number];
export const CHANNEL_NAMES: Record<ChannelId, string> = {
  1: 'Custom channel 1',
  2: 'Custom channel 2',
  3: 'Custom channel 3',
  1003: 'LiveHelp',
};
export function isChannelId(n: number): n is ChannelId {
  return (CHANNEL_IDS as readonly number[]).includes(n);
}
