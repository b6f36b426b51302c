import type { Backend, Interaction } from '../backends/backend.js';
import type { FailReason, OperationName, RawRequest, Result, SessionStatus } from '../contract/index.js';
import { mccFailReason, platformReasons, type Failure } from '../reasons/index.js';
import { customMessage } from './messages.js';
import { checkChannelId, clip, isBlank, parseServiceCodes, SESSION_ID } from './validate.js';

export type Handlers = { [Op in OperationName]: (req: RawRequest<Op>) => Promise<Result<Op>> };

function failed<Op extends OperationName>(
  _op: Op,
  failReason: FailReason<Op>,
  failReasonMessage: string,
  echo: Omit<Result<Op>, 'result' | 'failReason' | 'failReasonMessage'> = {} as never,
): Result<Op> {
  return { result: 'FAILED', ...echo, failReason, failReasonMessage } as Result<Op>;
}

/** A backend failure said in the operation's own fail-reason table. */
const from = <Op extends OperationName>(op: Op, f: Failure, echo?: Omit<Result<Op>, 'result' | 'failReason' | 'failReasonMessage'>) =>
  failed(op, mccFailReason(op, f.reason), f.message, echo);

const malformedSessionId = (raw: string) => `sessionId "${clip(raw)}" is malformed: 1-128 characters of A-Z a-z 0-9 . _ : -`;

/** A session id as the session operations need it, or the message saying why not. */
function sessionIdProblem(raw: string | undefined): string | undefined {
  if (isBlank(raw)) return 'sessionId is required';
  return SESSION_ID.test(raw) ? undefined : malformedSessionId(raw);
}

/**
 * The eight MCC operations expressed as canonical contact-center operations on a Backend. Every
 * answer is a Result: business failures are FAILED with a reason from the operation's own table.
 * Requests arrive schema-checked (contract/validate.ts); answers leave through contract/shape.ts,
 * so field order and undeclared fields are not this class's concern.
 */
export class MccBridge implements Handlers {
  /** closeSession calls still running, per session: a second one answers IS_PENDING. */
  private readonly closing = new Set<string>();

  constructor(readonly backend: Backend) {}

  /** Run one operation by name (the faces dispatch through this). */
  execute<Op extends OperationName>(op: Op, req: RawRequest<Op>): Promise<Result<Op>> {
    return (this[op] as (r: RawRequest<Op>) => Promise<Result<Op>>).call(this, req);
  }

  async startSession(req: RawRequest<'startSession'>): Promise<Result<'startSession'>> {
    const { channelId: rawChannel, serviceid, sessionId, data, description, contactId, contactValue } = req;
    const echo = {
      ...(isBlank(sessionId) ? {} : { sessionId }),
      ...(contactId !== undefined ? { contactId } : {}),
      ...(contactValue !== undefined ? { contactValue } : {}),
    };
    if (isBlank(rawChannel) || isBlank(serviceid)) {
      const missing = [isBlank(rawChannel) && 'channelId', isBlank(serviceid) && 'serviceid'].filter(Boolean).join(' and ');
      return failed('startSession', 'REQUIRED_PARAMETERS', `${missing} ${missing.includes(' and ') ? 'are' : 'is'} required`, echo);
    }
    const channel = checkChannelId(rawChannel);
    if (!channel.ok) return failed('startSession', 'INVALID_CHANNEL_ID', channel.message, echo);
    // An id we could never look up again is refused before anything is created.
    if (!isBlank(sessionId) && !SESSION_ID.test(sessionId)) {
      return failed('startSession', 'GENERIC', malformedSessionId(sessionId), echo);
    }
    const created = await this.backend.createInteraction({
      channelId: channel.channelId,
      serviceCode: serviceid.trim(),
      ...(isBlank(sessionId) ? {} : { id: sessionId }),
      ...(data !== undefined ? { data } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(contactId !== undefined ? { contactId } : {}),
      ...(contactValue !== undefined ? { contactValue } : {}),
    });
    if (!created.ok) return from('startSession', created, echo);
    return { result: 'SUCCESS', ...echo, sessionId: created.value.id };
  }

  async sessionAccept({ sessionId, user }: RawRequest<'sessionAccept'>): Promise<Result<'sessionAccept'>> {
    const problem = sessionIdProblem(sessionId);
    if (problem) return failed('sessionAccept', 'INVALID_SESSION_ID', problem, isBlank(sessionId) ? {} : { sessionId });
    const id = sessionId as string;
    const current = await this.backend.getInteraction(id);
    if (!current.ok) return from('sessionAccept', current, { sessionId: id });
    if (current.value.status === 'CLOSED') return failed('sessionAccept', 'SESSION_CLOSED', `session ${id} is already closed`, { sessionId: id });
    const accepted = isBlank(user) ? await this.backend.placeInQueue(id) : await this.backend.offerTo(id, user.trim());
    if (!accepted.ok) return from('sessionAccept', accepted, { sessionId: id });
    return { result: 'SUCCESS', sessionId: id, status: accepted.value.status };
  }

  async checkSessionState({ sessionId }: RawRequest<'checkSessionState'>): Promise<Result<'checkSessionState'>> {
    const seen = await this.lookUp(sessionId);
    if (!seen.found) return failed('checkSessionState', 'INVALID_SESSION_ID', seen.message, seen.echo);
    return { result: 'SUCCESS', ...seen.view };
  }

  async checkSessionStateWithData({ sessionId }: RawRequest<'checkSessionStateWithData'>): Promise<Result<'checkSessionStateWithData'>> {
    const seen = await this.lookUp(sessionId);
    if (!seen.found) return failed('checkSessionStateWithData', 'INVALID_SESSION_ID', seen.message, seen.echo);
    const i = seen.interaction;
    return {
      result: 'SUCCESS',
      ...seen.view,
      ...(i?.data !== undefined ? { data: i.data } : {}),
      ...(i?.userData.sessionData !== undefined ? { sessionData: i.userData.sessionData } : {}),
    };
  }

  async setSessionData({ sessionId, sessionData }: RawRequest<'setSessionData'>): Promise<Result<'setSessionData'>> {
    const problem = sessionIdProblem(sessionId);
    if (problem) return failed('setSessionData', 'INVALID_SESSION_ID', problem, isBlank(sessionId) ? {} : { sessionId });
    const id = sessionId as string;
    // Absent or nil clears the data, as an empty value does: every backend stores the empty string.
    const updated = await this.backend.updateUserData(id, { sessionData: sessionData ?? '' });
    if (!updated.ok) return from('setSessionData', updated, { sessionId: id });
    return { result: 'SUCCESS', sessionId: id, sessionData: updated.value.userData.sessionData ?? sessionData ?? '' };
  }

  async closeSession({ sessionId, reason }: RawRequest<'closeSession'>): Promise<Result<'closeSession'>> {
    const by = reason ?? 'REQUEST_FROM_CALLER';
    const problem = sessionIdProblem(sessionId);
    if (problem) return failed('closeSession', 'INVALID_SESSION_ID', problem, isBlank(sessionId) ? {} : { sessionId });
    const id = sessionId as string;
    if (this.closing.has(id)) return failed('closeSession', 'IS_PENDING', `another close of session ${id} is in progress`, { sessionId: id });
    this.closing.add(id);
    try {
      const closed = await this.backend.complete(id, by === 'REQUEST_FROM_CALLER' ? 'caller' : 'agent');
      if (!closed.ok) return from('closeSession', closed, { sessionId: id });
      return { result: 'SUCCESS', sessionId: id };
    } finally {
      this.closing.delete(id);
    }
  }

  async getServiceState({ channelId, serviceCodes }: RawRequest<'getServiceState'>): Promise<Result<'getServiceState'>> {
    const channel = checkChannelId(channelId);
    if (!channel.ok) return failed('getServiceState', 'INVALID_CHANNEL_ID', channel.message);
    const codes = parseServiceCodes(serviceCodes);
    if (!codes) {
      return failed('getServiceState', 'INVALID_SERVICE_CODES', 'serviceCodes must hold at least one code of 1-64 characters A-Z a-z 0-9 . _ -', {
        channelId: channel.channelId,
      });
    }
    const states = await this.backend.serviceStates(channel.channelId, codes);
    if (!states.ok) return from('getServiceState', states, { channelId: channel.channelId });
    return { result: 'SUCCESS', state: states.value, channelId: channel.channelId };
  }

  async logoutAgentFromChannel({ channelId, agentUsername }: RawRequest<'logoutAgentFromChannel'>): Promise<Result<'logoutAgentFromChannel'>> {
    const echo = isBlank(agentUsername) ? {} : { agentUsername };
    const channel = checkChannelId(channelId);
    if (!channel.ok) return failed('logoutAgentFromChannel', 'INVALID_CHANNEL_ID', channel.message, echo);
    if (isBlank(agentUsername)) return failed('logoutAgentFromChannel', 'INVALID_USERNAME', 'agentUsername is required', { channelId: channel.channelId });
    const out = await this.backend.agentLogout(agentUsername.trim(), channel.channelId);
    if (!out.ok) return from('logoutAgentFromChannel', out, { channelId: channel.channelId, agentUsername });
    return { result: 'SUCCESS', channelId: channel.channelId, agentUsername };
  }

  /**
   * Shared by both check operations (whose only fail reason is INVALID_SESSION_ID): the session's
   * status, or why it cannot be looked up.
   */
  private async lookUp(
    sessionId: string | undefined,
  ): Promise<
    | { found: true; view: { sessionId: string; status: SessionStatus; username?: string; customMessage: string }; interaction?: Interaction }
    | { found: false; message: string; echo: { sessionId?: string } }
  > {
    const problem = sessionIdProblem(sessionId);
    if (problem) return { found: false, message: problem, echo: isBlank(sessionId) ? {} : { sessionId } };
    const id = sessionId as string;
    const got = await this.backend.getInteraction(id);
    if (!got.ok) {
      // The platform could not say: the session may well exist, so answer UNKNOW rather than "invalid".
      if (platformReasons.has(got.reason)) return { found: true, view: { sessionId: id, status: 'UNKNOW', customMessage: got.message } };
      return { found: false, message: got.message, echo: { sessionId: id } };
    }
    const i = got.value;
    return {
      found: true,
      view: { sessionId: id, status: i.status, ...(i.agent ? { username: i.agent.username } : {}), customMessage: customMessage(i) },
      interaction: i,
    };
  }
}
