import type { EnumName, EnumValue, ServiceState } from './enums.js';

/**
 * The eight MCC operations as data. SOAP dispatch, REST routes, the WSDL and the WADL are all
 * derived from this table, so a field added here shows up everywhere (and a test fails if the
 * committed wsdl/ or wadl/ files drift from it).
 */
export type ScalarType = 'string' | 'int';
export type FieldType = ScalarType | { enum: EnumName } | 'serviceStateMap';

export interface RequestField {
  readonly name: string;
  readonly type: ScalarType | { enum: EnumName };
  readonly required: boolean;
  readonly repeated?: boolean;
  readonly doc: string;
}
export interface ResultField {
  readonly name: string;
  readonly type: FieldType;
  readonly doc: string;
}
export interface OperationDef {
  /** SOAP operation name (also the request wrapper element). */
  readonly soap: string;
  readonly rest: { readonly method: 'GET' | 'PUT'; readonly path: string; readonly body?: string };
  readonly doc: string;
  readonly request: readonly RequestField[];
  readonly result: { readonly type: string; readonly fields: readonly ResultField[] };
  readonly failReason: EnumName;
}

const result = { name: 'result', type: { enum: 'CommandResult' }, doc: 'Result state' } as const;
const sessionId = { name: 'sessionId', type: 'string', doc: 'Session ID' } as const;
const failMessage = { name: 'failReasonMessage', type: 'string', doc: 'Fail reason message (if operation failed)' } as const;
const failReason = <E extends EnumName>(e: E) => ({ name: 'failReason', type: { enum: e }, doc: 'Fail reason code (if operation failed)' }) as const;
const status = { name: 'status', type: { enum: 'SessionStatus' }, doc: 'Session status' } as const;
const reqSessionId = { name: 'sessionId', type: 'string', required: true, doc: 'Session ID' } as const;
const reqChannelId = { name: 'channelId', type: 'int', required: true, doc: 'Channel ID' } as const;

export const operations = {
  startSession: {
    soap: 'startSession',
    rest: { method: 'GET', path: '/startSession' },
    doc: 'Start a new session to create an interaction on the desired channel and service.',
    request: [
      reqChannelId,
      { name: 'serviceid', type: 'string', required: true, doc: 'Service code' },
      { name: 'sessionId', type: 'string', required: false, doc: 'Session ID (otherwise self-generated)' },
      { name: 'data', type: 'string', required: false, doc: 'Additional data' },
      { name: 'description', type: 'string', required: false, doc: 'Session description' },
      { name: 'contactId', type: 'string', required: false, doc: 'Addressbook contact UUID' },
      { name: 'contactValue', type: 'string', required: false, doc: 'Addressbook contact value (e.g. phone number)' },
    ],
    result: {
      type: 'StartSessionResult',
      fields: [
        result,
        sessionId,
        failReason('StartSessionFailReasonCode'),
        failMessage,
        { name: 'contactId', type: 'string', doc: 'Addressbook contact UUID (if provided)' },
        { name: 'contactValue', type: 'string', doc: 'Addressbook contact value (if provided)' },
      ],
    },
    failReason: 'StartSessionFailReasonCode',
  },
  sessionAccept: {
    soap: 'sessionAccept',
    rest: { method: 'GET', path: '/sessionAccept' },
    doc: 'Accept a session: assign it to an agent or let it enter the contact center flow.',
    request: [reqSessionId, { name: 'user', type: 'string', required: false, doc: 'Username of the agent to assign the session to' }],
    result: { type: 'SessionAcceptResult', fields: [result, sessionId, status, failReason('SessionStatusFailReasonCode'), failMessage] },
    failReason: 'SessionStatusFailReasonCode',
  },
  checkSessionState: {
    soap: 'checkSessionState',
    rest: { method: 'GET', path: '/checkSession' },
    doc: 'Check the state of an existing session.',
    request: [reqSessionId],
    result: {
      type: 'CheckSessionResult',
      fields: [
        result,
        sessionId,
        status,
        { name: 'username', type: 'string', doc: 'Username of the agent assigned to the session' },
        { name: 'customMessage', type: 'string', doc: 'Custom message' },
        failReason('CheckSessionFailReasonCode'),
        failMessage,
      ],
    },
    failReason: 'CheckSessionFailReasonCode',
  },
  checkSessionStateWithData: {
    soap: 'checkSessionStateWithData',
    rest: { method: 'GET', path: '/checkSessionWithData' },
    doc: 'Check the state of an existing session, with its data.',
    request: [reqSessionId],
    result: {
      type: 'CheckSessionWithDataResult',
      fields: [
        result,
        sessionId,
        status,
        { name: 'username', type: 'string', doc: 'Username of the agent assigned to the session' },
        { name: 'customMessage', type: 'string', doc: 'Custom message' },
        { name: 'data', type: 'string', doc: 'Additional data populated at session start' },
        { name: 'sessionData', type: 'string', doc: 'Additional data populated while session is in progress' },
        failReason('CheckSessionWithDataFailReasonCode'),
        failMessage,
      ],
    },
    failReason: 'CheckSessionWithDataFailReasonCode',
  },
  setSessionData: {
    soap: 'setSessionData',
    rest: { method: 'PUT', path: '/setSessionData', body: 'SetSessionDataRequest' },
    doc: 'Set the session data of an existing session.',
    request: [
      reqSessionId,
      // Absent, empty or nil clears the session's data (the seed marks it optional).
      { name: 'sessionData', type: 'string', required: false, doc: 'Additional data populated while session is in progress (absent or empty clears it)' },
    ],
    result: {
      type: 'SetSessionDataResult',
      fields: [
        result,
        sessionId,
        { name: 'sessionData', type: 'string', doc: 'Additional data populated while session is in progress' },
        failReason('SetSessionDataFailReasonCode'),
        failMessage,
      ],
    },
    failReason: 'SetSessionDataFailReasonCode',
  },
  closeSession: {
    soap: 'closeSession',
    rest: { method: 'GET', path: '/closeSession' },
    doc: 'Close an existing session.',
    request: [reqSessionId, { name: 'reason', type: { enum: 'Reason' }, required: false, doc: 'Closing reason (default REQUEST_FROM_CALLER)' }],
    result: { type: 'CloseSessionResult', fields: [result, sessionId, failReason('CloseSessionFailReasonCode'), failMessage] },
    failReason: 'CloseSessionFailReasonCode',
  },
  getServiceState: {
    soap: 'getServiceState',
    rest: { method: 'GET', path: '/getServiceState' },
    doc: 'Get the state of services on the desired channel.',
    request: [reqChannelId, { name: 'serviceCodes', type: 'string', required: true, repeated: true, doc: 'Set of service codes' }],
    result: {
      type: 'GetServiceStateResult',
      fields: [
        result,
        { name: 'state', type: 'serviceStateMap', doc: 'Map of service states (service code to ServiceState)' },
        { name: 'channelId', type: 'int', doc: 'Channel ID' },
        failReason('GetServiceStateResultFailReasonCode'),
        failMessage,
      ],
    },
    failReason: 'GetServiceStateResultFailReasonCode',
  },
  logoutAgentFromChannel: {
    soap: 'logoutAgentFromChannel',
    rest: { method: 'GET', path: '/logoutAgentFromChannel' },
    doc: 'Log an agent out of the desired channel.',
    request: [reqChannelId, { name: 'agentUsername', type: 'string', required: true, doc: 'Username of the agent to logout' }],
    result: {
      type: 'LogoutAgentResult',
      fields: [
        result,
        { name: 'channelId', type: 'int', doc: 'Channel ID' },
        { name: 'agentUsername', type: 'string', doc: 'Username of the agent' },
        failReason('LogoutAgentResultFailReasonCode'),
        failMessage,
      ],
    },
    failReason: 'LogoutAgentResultFailReasonCode',
  },
} as const satisfies Record<string, OperationDef>;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export const operationNames = Object.keys(operations) as OperationName[];

// ---- TypeScript shapes derived from the table ----

type TsOf<T> = T extends 'string'
  ? string
  : T extends 'int'
    ? number
    : T extends { enum: infer E extends EnumName }
      ? EnumValue<E>
      : T extends 'serviceStateMap'
        ? Record<string, ServiceState>
        : never;

/**
 * A request as a face hands it to the bridge once the schema-level checks passed (contract/validate.ts):
 * enum values are in their enumeration; everything else is still raw text (ints included) for the
 * bridge's business checks, and a missing required field is the bridge's to answer with the
 * operation's own fail reason.
 */
type RawValue<F> = F extends { repeated: true } ? string[] : F extends { type: { enum: infer E extends EnumName } } ? EnumValue<E> : string;
export type RawRequest<Op extends OperationName> = {
  [F in Operations[Op]['request'][number] as F['name']]?: RawValue<F>;
};

/** A result as the bridge answers it; fields that do not apply are absent. */
export type Result<Op extends OperationName> = {
  [F in Operations[Op]['result']['fields'][number] as F['name']]?: TsOf<F['type']>;
} & { result: 'SUCCESS' | 'FAILED' };

export type FailReason<Op extends OperationName> = EnumValue<Operations[Op]['failReason']>;

/** The operation served at a REST path (e.g. `/checkSession` → checkSessionState). */
export const operationByRestPath: ReadonlyMap<string, OperationName> = new Map(operationNames.map((op) => [operations[op].rest.path, op]));
