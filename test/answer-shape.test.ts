import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { operations, type OperationName } from '../src/contract/index.js';
import { envelope, postSoap, startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * Both faces answer with the declared result fields only, in contract order (the SOAP sequence):
 * one SUCCESS and one FAILED case per operation, over real HTTP, with the exact keys expected.
 */
type Params = Record<string, string | string[]>;
interface Case {
  op: OperationName;
  /** The request, given what `setUp` returned (a fresh session id). */
  params: (id: string) => Params;
  keys: string[];
}

let counter = 0;
const fresh = () => `shape-${++counter}-${Date.now()}`;

const cases: Record<string, Case> = {
  'startSession SUCCESS (id generated, contact echoed)': {
    op: 'startSession',
    params: () => ({ channelId: '1003', serviceid: 'CHAT', contactId: 'c-1', contactValue: '+39 555' }),
    keys: ['result', 'sessionId', 'contactId', 'contactValue'],
  },
  'startSession FAILED': {
    op: 'startSession',
    params: () => ({ channelId: '1003', serviceid: 'NOPE', sessionId: fresh(), contactId: 'c-1', contactValue: '+39 555' }),
    keys: ['result', 'sessionId', 'failReason', 'failReasonMessage', 'contactId', 'contactValue'],
  },
  'sessionAccept SUCCESS': { op: 'sessionAccept', params: (id) => ({ sessionId: id }), keys: ['result', 'sessionId', 'status'] },
  'sessionAccept FAILED': { op: 'sessionAccept', params: () => ({ sessionId: 'nope' }), keys: ['result', 'sessionId', 'failReason', 'failReasonMessage'] },
  'checkSessionState SUCCESS': { op: 'checkSessionState', params: (id) => ({ sessionId: id }), keys: ['result', 'sessionId', 'status', 'customMessage'] },
  'checkSessionState FAILED': {
    op: 'checkSessionState',
    params: () => ({ sessionId: 'nope' }),
    keys: ['result', 'sessionId', 'failReason', 'failReasonMessage'],
  },
  'checkSessionStateWithData SUCCESS': {
    op: 'checkSessionStateWithData',
    params: (id) => ({ sessionId: id }),
    keys: ['result', 'sessionId', 'status', 'customMessage', 'data', 'sessionData'],
  },
  'checkSessionStateWithData FAILED': {
    op: 'checkSessionStateWithData',
    params: () => ({ sessionId: 'nope' }),
    keys: ['result', 'sessionId', 'failReason', 'failReasonMessage'],
  },
  'setSessionData SUCCESS': { op: 'setSessionData', params: (id) => ({ sessionId: id, sessionData: 'more' }), keys: ['result', 'sessionId', 'sessionData'] },
  'setSessionData FAILED': {
    op: 'setSessionData',
    params: () => ({ sessionId: 'nope', sessionData: 'x' }),
    keys: ['result', 'sessionId', 'failReason', 'failReasonMessage'],
  },
  'closeSession SUCCESS': { op: 'closeSession', params: (id) => ({ sessionId: id }), keys: ['result', 'sessionId'] },
  'closeSession FAILED': { op: 'closeSession', params: () => ({ sessionId: 'nope' }), keys: ['result', 'sessionId', 'failReason', 'failReasonMessage'] },
  'getServiceState SUCCESS': { op: 'getServiceState', params: () => ({ channelId: '1003', serviceCodes: ['CHAT'] }), keys: ['result', 'state', 'channelId'] },
  'getServiceState FAILED': {
    op: 'getServiceState',
    params: () => ({ channelId: '1003', serviceCodes: ['bad code!'] }),
    keys: ['result', 'channelId', 'failReason', 'failReasonMessage'],
  },
  'logoutAgentFromChannel SUCCESS': {
    op: 'logoutAgentFromChannel',
    params: () => ({ channelId: '1003', agentUsername: 'alice' }),
    keys: ['result', 'channelId', 'agentUsername'],
  },
  'logoutAgentFromChannel FAILED': {
    op: 'logoutAgentFromChannel',
    params: () => ({ channelId: '1003', agentUsername: 'dave' }),
    keys: ['result', 'channelId', 'agentUsername', 'failReason', 'failReasonMessage'],
  },
};

const soapBody = (op: OperationName, params: Params) =>
  envelope(
    `<mcc:${operations[op].soap}>${Object.entries(params)
      .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((item) => `<${k}>${item}</${k}>`))
      .join('')}</mcc:${operations[op].soap}>`,
  );

/** The children of `return`, in document order. */
function returnChildren(xml: string): string[] {
  type Ordered = Array<Record<string, unknown>>;
  const doc = new XMLParser({ preserveOrder: true, removeNSPrefix: true }).parse(xml) as Ordered;
  const child = (nodes: Ordered, name: string) => (nodes.find((n) => name in n)?.[name] ?? []) as Ordered;
  const response = child(child(doc, 'Envelope'), 'Body')[0] as Record<string, unknown>;
  const ret = child(Object.values(response)[0] as Ordered, 'return');
  return ret.flatMap((n) => Object.keys(n).filter((k) => k !== ':@' && k !== '#text'));
}

describe('answer shape: declared result fields only, in contract order', () => {
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge();
  });
  after(() => b.close());

  /** A session with data and sessionData, not closed; alice logged in on 1003 (logout cases log her out). */
  async function setUp(): Promise<string> {
    const id = fresh();
    assert.equal((await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT', sessionId: id, data: 'start-data' })).result, 'SUCCESS');
    assert.equal((await b.rest('setSessionData', { sessionId: id, sessionData: 'in-progress' })).result, 'SUCCESS');
    await b.engine.agentLogin('alice', [1003]);
    return id;
  }

  for (const [name, c] of Object.entries(cases)) {
    const declared = operations[c.op].result.fields.map((f) => f.name);
    it(`REST ${name}: keys ${c.keys.join(', ')}`, async () => {
      const { httpStatus, ...answer } = await b.rest(c.op, c.params(await setUp()));
      assert.equal(httpStatus, 200);
      assert.deepEqual(Object.keys(answer), c.keys);
      assert.deepEqual(
        c.keys,
        declared.filter((f) => c.keys.includes(f)),
        'the expected keys are in contract order',
      );
      assert.equal(answer.result, name.includes('SUCCESS') ? 'SUCCESS' : 'FAILED');
    });
    it(`SOAP ${name}: return children ${c.keys.join(', ')}`, async () => {
      const res = await postSoap(b.url, soapBody(c.op, c.params(await setUp())));
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(returnChildren(res.text), c.keys);
    });
  }
});
