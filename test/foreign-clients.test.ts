import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * The served WSDL loaded by clients the bridge did not write: zeep in strict mode and PHP's
 * SoapClient in WSDL mode run the whole MCC scenario against the live server. zeep is Debian's
 * (scripts/install-test-deps.sh), hence Debian's /usr/bin/python3. Missing tools fail the test.
 */
const run = promisify(execFile);
const clients = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'test', 'clients');

const tools: Array<[string, string, string]> = [
  ['zeep (strict)', '/usr/bin/python3', join(clients, 'zeep_scenario.py')],
  ['PHP SoapClient (WSDL mode)', 'php', join(clients, 'php_scenario.php')],
];

for (const [name, interpreter, script] of tools) {
  describe(`${name} against the served WSDL`, function () {
    this.timeout(60_000);
    let b: TestBridge;
    before(async () => {
      b = await startTestBridge();
      await b.engine.agentLogin('alice', [1003]);
    });
    after(() => b.close());

    it('runs all 8 operations', async () => {
      const { stdout } = await run(interpreter, [script, `${b.url}/mc/cxf/soap?wsdl`, '1003', 'CHAT', 'alice']).catch((e) => {
        throw new Error(`${name} failed: ${e.stderr || e.message}`);
      });
      const steps = JSON.parse(stdout);
      assert.deepEqual(steps.getServiceState.state, { CHAT: 'ACTIVE', NOPE: 'UNKNOWN_SERVICE' });
      assert.equal(Number(steps.getServiceState.channelId), 1003);
      const sid = steps.startSession.sessionId;
      assert.equal(steps.startSession.result, 'SUCCESS');
      assert.match(sid, /^[0-9a-f-]{36}$/);
      assert.equal(steps.startSession.contactValue, '+39 000');
      assert.deepEqual([steps.checkSessionState.status, steps.checkSessionState.sessionId], ['NEW', sid]);
      assert.deepEqual([steps.sessionAccept.result, steps.sessionAccept.status], ['SUCCESS', 'QUEUED']);
      assert.equal(steps.setSessionData.sessionData, 'x&y <z>');
      assert.deepEqual(
        [steps.checkSessionStateWithData.status, steps.checkSessionStateWithData.data, steps.checkSessionStateWithData.sessionData],
        ['QUEUED', name.startsWith('zeep') ? 'from-zeep' : 'from-php', 'x&y <z>'],
      );
      assert.equal(steps.closeSession.result, 'SUCCESS');
      assert.equal(steps.checkSessionStateAfterClose.status, 'CLOSED');
      assert.deepEqual([steps.logoutAgentFromChannel.result, steps.logoutAgentFromChannel.agentUsername], ['SUCCESS', 'alice']);
      assert.deepEqual([steps.startSessionBadChannel.result, steps.startSessionBadChannel.failReason], ['FAILED', 'INVALID_CHANNEL_ID']);
    });
  });
}
