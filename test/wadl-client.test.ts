import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { operationNames } from '../src/contract/index.js';
import { startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * The served WADL drives a WADL library the bridge did not write: python3-wadllib (Debian's, hence
 * Debian's /usr/bin/python3; scripts/install-test-deps.sh) builds every call of the MCC scenario —
 * URL, query, JSON body — from the document alone. A missing library fails the test.
 */
const run = promisify(execFile);
const script = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'test', 'clients', 'wadl_scenario.py');

describe('python3-wadllib against the served WADL', function () {
  this.timeout(60_000);
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge();
    await b.engine.agentLogin('alice', [1003]);
  });
  after(() => b.close());

  it('builds every call of the scenario from the WADL and runs all 8 operations', async () => {
    const { stdout } = await run('/usr/bin/python3', [script, `${b.url}/mc/cxf/rest?_wadl`, '1003', 'CHAT', 'alice']).catch((e) => {
      throw new Error(`wadllib failed: ${e.stderr || e.message}`);
    });
    const steps = JSON.parse(stdout);
    assert.deepEqual(steps.operations, [...operationNames].sort());
    assert.deepEqual(steps.getServiceState.state, { CHAT: 'ACTIVE', NOPE: 'UNKNOWN_SERVICE' });
    const sid = steps.startSession.sessionId;
    assert.match(sid, /^[0-9a-f-]{36}$/);
    assert.equal(steps.startSession.contactValue, '+39 000');
    assert.deepEqual([steps.checkSessionState.status, steps.checkSessionState.sessionId], ['NEW', sid]);
    assert.deepEqual([steps.sessionAccept.result, steps.sessionAccept.status], ['SUCCESS', 'QUEUED']);
    assert.deepEqual([steps.setSessionData.result, steps.setSessionData.sessionData], ['SUCCESS', 'x&y <z>']);
    assert.deepEqual([steps.checkSessionStateWithData.data, steps.checkSessionStateWithData.sessionData], ['from-wadl', 'x&y <z>']);
    assert.equal(steps.closeSession.result, 'SUCCESS');
    assert.equal(steps.checkSessionStateAfterClose.status, 'CLOSED');
    assert.deepEqual([steps.logoutAgentFromChannel.result, steps.logoutAgentFromChannel.agentUsername], ['SUCCESS', 'alice']);
    assert.deepEqual([steps.startSessionBadChannel.result, steps.startSessionBadChannel.failReason], ['FAILED', 'INVALID_CHANNEL_ID']);
    // The WADL says enough for the library to refuse what the server would: an option outside the list, an undeclared body field.
    assert.equal(steps.refusedByTheLibrary.length, 2);
    assert.match(steps.refusedByTheLibrary[0], /Invalid value 'BECAUSE' for parameter 'reason'/);
    assert.match(steps.refusedByTheLibrary[1], /Unrecognized parameter\(s\): 'colour'/);
  });
});
