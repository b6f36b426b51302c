import assert from 'node:assert/strict';
import type { FailReason } from '../src/contract/index.js';
import {
  genesysReasons,
  genesysStatusCodes,
  genesysStatusMessages,
  huaweiReasons,
  huaweiRetcodeMessages,
  huaweiRetcodes,
  mccFailReason,
  mccFailReasons,
  platformFailure,
  platformReasons,
  reasons,
  xivoErrorNames,
  xivoErrors,
  xivoReasons,
  type GenesysReasonTable,
  type GenesysStatusCode,
  type GenesysStatusTable,
  type HuaweiReasonTable,
  type HuaweiRetcodeTable,
  type Reason,
  type XivoReasonTable,
} from '../src/reasons/index.js';

/**
 * "An unmapped reason does not compile", proven like ts-rest's strict-mode tests: each
 * `@ts-expect-error` below must meet a type error on its next line, or the build itself fails
 * (TS2578, unused directive). So loosening a table's type (Partial, string, number) breaks `npm run
 * build`, not just a test. The runtime assertions beside them show that the rejected value really
 * is the mistake the line names.
 */
describe('reason tables are total and typed (compile-time checks)', () => {
  it('a dialect table that forgets a reason does not compile', () => {
    const { INTERNAL: internal, ...genesysLacking } = genesysStatusCodes;
    // @ts-expect-error INTERNAL has no GWS statusCode
    const genesys: GenesysStatusTable = genesysLacking;
    const { TWIN_ERROR: twin, ...huaweiLacking } = huaweiRetcodes;
    // @ts-expect-error TWIN_ERROR has no retcode
    const huawei: HuaweiRetcodeTable = huaweiLacking;
    const { FORBIDDEN: forbidden, ...xivoLacking } = xivoErrors;
    // @ts-expect-error FORBIDDEN has no XUC error name
    const xivo: typeof xivoErrors = xivoLacking;
    for (const table of [genesys, huawei, xivo]) assert.equal(Object.keys(table).length, reasons.length - 1);
    assert.deepEqual([internal, twin, forbidden], [4, '000-004', 'NotAuthorized']);
  });

  it('a reason added to the catalog does not compile until every dialect and every MCC operation says it', () => {
    type Grown = Reason | 'NEW_REASON';
    // @ts-expect-error the GWS table has no NEW_REASON
    const genesys: Record<Grown, GenesysStatusCode> = genesysStatusCodes;
    // @ts-expect-error the MCC startSession table has no NEW_REASON
    const start: Record<Grown, FailReason<'startSession'>> = mccFailReasons.startSession;
    assert.equal('NEW_REASON' in genesys || 'NEW_REASON' in start, false);
  });

  it('a dialect table cannot answer a code the vendor does not document', () => {
    // @ts-expect-error 21 is not a GWS statusCode
    const genesys: GenesysStatusTable = { ...genesysStatusCodes, INTERNAL: 21 };
    // @ts-expect-error 100-099 is not a CC-Gateway retcode
    const huawei: HuaweiRetcodeTable = { ...huaweiRetcodes, INTERNAL: '100-099' };
    // @ts-expect-error XUC has no error named Oops
    const xivo: typeof xivoErrors = { ...xivoErrors, INTERNAL: 'Oops' };
    assert.equal(21 in genesysStatusMessages || '100-099' in huaweiRetcodeMessages || 'Oops' in xivoErrorNames, false);
    assert.deepEqual([genesys.INTERNAL, huawei.INTERNAL, xivo.INTERNAL], [21, '100-099', 'Oops']);
  });

  it('an adapter table that forgets a documented vendor code, or names an unknown reason, does not compile', () => {
    // @ts-expect-error statusCodes 2 to 20 are not read
    const genesys = { 1: 'MISSING_PARAMETER' } satisfies GenesysReasonTable;
    // @ts-expect-error the retcodes after 000-001 are not read
    const huawei = { '000-001': 'INVALID_PARAMETER' } satisfies HuaweiReasonTable;
    // @ts-expect-error OOPS is not a shared reason
    const xivo = { ...xivoReasons, TokenExpired: 'OOPS' } satisfies Partial<XivoReasonTable>;
    // @ts-expect-error reading AgentUnavailable from a remote XUC is a decision to make in xivo.ts, not here
    const faceOnly = { AgentUnavailable: 'AGENT_UNAVAILABLE' } satisfies Partial<XivoReasonTable>;
    assert.equal(Object.keys(genesys).length + Object.keys(huawei).length, 2);
    assert.equal(reasons.includes(xivo.TokenExpired as Reason), false);
    assert.equal(
      Object.keys(faceOnly).some((name) => name in xivoReasons),
      false,
    );
  });

  it("an MCC fail-reason table cannot use a code outside its operation's enum", () => {
    // @ts-expect-error NO_LICENSE is a startSession code, not a closeSession one
    const close: (typeof mccFailReasons)['closeSession'] = { ...mccFailReasons.closeSession, INTERNAL: 'NO_LICENSE' };
    // @ts-expect-error checkSessionState has INVALID_SESSION_ID only
    const check: (typeof mccFailReasons)['checkSessionState'] = { ...mccFailReasons.checkSessionState, TIMEOUT: 'TIMEOUT_EXCEEDED' };
    const { STORE_ERROR: store, ...logoutLacking } = mccFailReasons.logoutAgentFromChannel;
    // @ts-expect-error STORE_ERROR has no logoutAgentFromChannel code
    const logout: (typeof mccFailReasons)['logoutAgentFromChannel'] = logoutLacking;
    // @ts-expect-error closeSession may answer NOT_FOUND, which startSession does not know
    const asStart: FailReason<'startSession'> = mccFailReason('closeSession', 'UNKNOWN_INTERACTION');
    assert.deepEqual([close.INTERNAL, check.TIMEOUT, store, asStart], ['NO_LICENSE', 'TIMEOUT_EXCEEDED', 'LOGOUT_DATABASE_ERROR', 'NOT_FOUND']);
    assert.equal(Object.keys(logout).length, reasons.length - 1);
  });
});

describe('reason tables agree with each other (runtime)', () => {
  it('every documented vendor code is read by its adapter, and nothing else is', () => {
    const sorted = (o: object) => Object.keys(o).sort();
    assert.deepEqual(sorted(genesysReasons), sorted(genesysStatusMessages));
    assert.deepEqual(sorted(huaweiReasons), sorted(huaweiRetcodeMessages));
    const faceOnly = ['AgentUnavailable', 'InvalidState', 'NotAuthorized'];
    assert.deepEqual(
      sorted(xivoReasons),
      sorted(xivoErrorNames).filter((n) => !faceOnly.includes(n)),
    );
  });

  it('what a face says, an adapter reads back (except the XUC names no XUC source shows)', () => {
    const lost = reasons.filter(
      (r) => genesysReasons[genesysStatusCodes[r]] === undefined || huaweiReasons[huaweiRetcodes[r]] === undefined || xivoReasons[xivoErrors[r]] === undefined,
    );
    assert.deepEqual(lost, [
      'DUPLICATE_INTERACTION',
      'INTERACTION_CLOSED',
      'CLOSE_PENDING',
      'OPERATION_PENDING',
      'INVALID_STATE',
      'AGENT_UNAVAILABLE',
      'FORBIDDEN',
    ]);
  });

  it('a vendor being unwell is a platform failure for the check operations too, but not the reverse', () => {
    const unwell = reasons.filter(platformFailure);
    assert.deepEqual(unwell, ['TIMEOUT', 'INVALID_RESPONSE', 'UNAVAILABLE']);
    for (const r of unwell) assert.ok(platformReasons.has(r), r);
    assert.deepEqual(
      [...platformReasons].filter((r) => !platformFailure(r)),
      ['STORE_ERROR', 'INTERNAL'],
    );
  });
});
