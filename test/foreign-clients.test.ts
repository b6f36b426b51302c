import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * The served WSDL loaded by clients the bridge did not write: zeep in strict mode, PHP's
 * SoapClient in WSDL mode and JAX-WS RI stubs (wsimport, SchemaValidationFeature on) run the whole
 * MCC scenario against the live server. zeep is Debian's (scripts/install-test-deps.sh), hence
 * Debian's /usr/bin/python3; so are wsimport and the JDK. Missing tools fail the test.
 */
const run = promisify(execFile);
const clients = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'test', 'clients');
/** JAX-WS RI's runtime; its manifest's Class-Path brings JAXB, SAAJ and the rest. */
const JAXWS_RT = '/usr/share/java/jaxws-rt.jar';

interface ForeignClient {
  name: string;
  /** What the client stores as startSession's `data`, so its own session is recognised. */
  data: string;
  /** The command that runs the scenario; may first build the client from the served WSDL. */
  command: (wsdl: string) => Promise<[string, string[]]>;
}

const tools: ForeignClient[] = [
  { name: 'zeep (strict)', data: 'from-zeep', command: async () => ['/usr/bin/python3', [join(clients, 'zeep_scenario.py')]] },
  { name: 'PHP SoapClient (WSDL mode)', data: 'from-php', command: async () => ['php', [join(clients, 'php_scenario.php')]] },
  {
    name: 'JAX-WS RI (wsimport, schema validation on)',
    data: 'from-jaxws',
    command: async (wsdl) => {
      // Stubs generated from the served WSDL, compiled once with the scenario.
      const dir = mkdtempSync(join(tmpdir(), 'mcc-jaxws-'));
      mkdirSync(join(dir, 'src'));
      await run('wsimport', ['-quiet', '-Xnocompile', '-s', join(dir, 'src'), '-p', 'mcc.client', wsdl]);
      const stubs = readdirSync(join(dir, 'src', 'mcc', 'client')).map((f) => join(dir, 'src', 'mcc', 'client', f));
      await run('javac', ['-nowarn', '-encoding', 'UTF-8', '-cp', JAXWS_RT, '-d', join(dir, 'classes'), ...stubs, join(clients, 'JaxwsScenario.java')]);
      return ['java', ['-cp', `${join(dir, 'classes')}:${JAXWS_RT}`, 'JaxwsScenario']];
    },
  },
];

for (const { name, data, command } of tools) {
  describe(`${name} against the served WSDL`, function () {
    this.timeout(120_000);
    let b: TestBridge;
    before(async () => {
      b = await startTestBridge();
      await b.engine.agentLogin('alice', [1003]);
    });
    after(() => b.close());

    it('runs all 8 operations', async () => {
      const wsdl = `${b.url}/mc/cxf/soap?wsdl`;
      const { stdout } = await command(wsdl)
        .then(([file, args]) => run(file, [...args, wsdl, '1003', 'CHAT', 'alice']))
        .catch((e) => {
          throw new Error(`${name} failed: ${e.stderr || e.stdout || e.message}`);
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
        ['QUEUED', data, 'x&y <z>'],
      );
      assert.equal(steps.closeSession.result, 'SUCCESS');
      assert.equal(steps.checkSessionStateAfterClose.status, 'CLOSED');
      assert.deepEqual([steps.logoutAgentFromChannel.result, steps.logoutAgentFromChannel.agentUsername], ['SUCCESS', 'alice']);
      assert.deepEqual([steps.startSessionBadChannel.result, steps.startSessionBadChannel.failReason], ['FAILED', 'INVALID_CHANNEL_ID']);
    });
  });
}
