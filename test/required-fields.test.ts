import assert from 'node:assert/strict';
import { operationNames, operations, type FailReason, type OperationName, type Operations } from '../src/contract/index.js';
import { envelope, postSoap, startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * The `required` flags of src/contract/operations.ts and the bridge say the same thing: each
 * required field left out gives the answer the spec documents (a fail reason of the operation's
 * own table, or a schema refusal: soap:Client / HTTP 400), and each optional field may be left out
 * of an otherwise valid request, which then succeeds. The table below must name every required
 * field (it does not compile otherwise); the loops read the flags from operations.ts.
 */
type RequiredOf<Op extends OperationName> = Extract<Operations[Op]['request'][number], { required: true }>['name'];
type Documented = { [Op in OperationName]: Record<RequiredOf<Op>, FailReason<Op> | 'refused'> };

const whenMissing: Documented = {
  startSession: { channelId: 'REQUIRED_PARAMETERS', serviceid: 'REQUIRED_PARAMETERS' },
  sessionAccept: { sessionId: 'INVALID_SESSION_ID' },
  checkSessionState: { sessionId: 'INVALID_SESSION_ID' },
  checkSessionStateWithData: { sessionId: 'INVALID_SESSION_ID' },
  setSessionData: { sessionId: 'INVALID_SESSION_ID' },
  closeSession: { sessionId: 'INVALID_SESSION_ID' },
  getServiceState: { channelId: 'INVALID_CHANNEL_ID', serviceCodes: 'INVALID_SERVICE_CODES' },
  logoutAgentFromChannel: { channelId: 'INVALID_CHANNEL_ID', agentUsername: 'INVALID_USERNAME' },
};

type Params = Record<string, string | string[]>;
let counter = 0;

describe('required fields: operations.ts and the bridge agree', () => {
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge();
  });
  after(() => b.close());

  /** A valid request with every field, against fresh state (a new open session, alice logged in). */
  async function fullRequest(op: OperationName): Promise<Params> {
    const id = `req-${++counter}`;
    await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: id });
    await b.engine.agentLogin('alice', [1003]);
    const full: { [O in OperationName]: Params } = {
      startSession: { channelId: '1003', serviceid: 'CHAT', sessionId: `${id}-new`, data: 'd', description: 'desc', contactId: 'c', contactValue: 'v' },
      sessionAccept: { sessionId: id, user: 'alice' },
      checkSessionState: { sessionId: id },
      checkSessionStateWithData: { sessionId: id },
      setSessionData: { sessionId: id, sessionData: 'x' },
      closeSession: { sessionId: id, reason: 'REQUEST_FROM_CALLEE' },
      getServiceState: { channelId: '1003', serviceCodes: ['CHAT'] },
      logoutAgentFromChannel: { channelId: '1003', agentUsername: 'alice' },
    };
    return full[op];
  }

  const callers = {
    async rest(op: OperationName, params: Params) {
      const { httpStatus, ...answer } = await b.rest(op, params);
      if (httpStatus === 400 && answer.error === 'bad_request') return 'refused';
      assert.equal(httpStatus, 200);
      return answer;
    },
    async soap(op: OperationName, params: Params) {
      const fields = Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((item) => `<${k}>${item}</${k}>`));
      const res = await postSoap(b.url, envelope(`<mcc:${operations[op].soap}>${fields.join('')}</mcc:${operations[op].soap}>`));
      if (res.status === 500 && res.text.includes('<faultcode>soap:Client</faultcode>')) return 'refused';
      assert.equal(res.status, 200, res.text);
      return { result: /<result>(\w+)<\/result>/.exec(res.text)?.[1], failReason: /<failReason>(\w+)<\/failReason>/.exec(res.text)?.[1] };
    },
  };

  for (const [face, call] of Object.entries(callers)) {
    for (const op of operationNames) {
      for (const field of operations[op].request) {
        if (field.required) {
          const documented = (whenMissing[op] as Record<string, string>)[field.name];
          it(`${face} ${op} without ${field.name}: ${documented}`, async () => {
            const { [field.name]: _, ...rest } = await fullRequest(op);
            const answer = await call(op, rest);
            if (documented === 'refused' || answer === 'refused') assert.equal(answer, documented);
            else assert.deepEqual([answer.result, answer.failReason], ['FAILED', documented]);
          });
        } else {
          it(`${face} ${op} without ${field.name} (optional): SUCCESS`, async () => {
            const { [field.name]: _, ...rest } = await fullRequest(op);
            const answer = await call(op, rest);
            assert.notEqual(answer, 'refused');
            if (answer !== 'refused') assert.deepEqual([answer.result, answer.failReason], ['SUCCESS', undefined]);
          });
        }
      }
    }
  }
});
