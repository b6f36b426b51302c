import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestBridge, type TestBridge } from './support/bridge.js';

/**
 * `mcc-bridge call` as a user runs it: the CLI as its own process, against a real bridge, over
 * REST and over SOAP (a client built from the served WSDL), its JSON on stdout and its exit code.
 */
const cli = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'src', 'cli.js');

interface Run {
  code: number | null;
  json: Record<string, any> | undefined;
  stdout: string;
  stderr: string;
}

function mccCall(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    // Only the environment the test gives: no MCC_CALL_* of the machine's leaks in.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MCC_CALL_')));
    const child = execFile(process.execPath, [cli, 'call', ...args], { env: { ...base, ...env } }, (_e, stdout, stderr) => {
      let json: Record<string, any> | undefined;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      done({ code: child.exitCode, json, stdout, stderr });
    });
  });
}

describe('mcc-bridge call', function () {
  this.timeout(60_000);
  let b: TestBridge;
  before(async () => {
    b = await startTestBridge();
    await b.engine.agentLogin('alice', [1003]);
  });
  after(() => b.close());

  for (const soap of [false, true]) {
    const over = soap ? ['--soap'] : [];
    describe(soap ? 'over SOAP' : 'over REST', () => {
      it("SUCCESS: prints the result as JSON and exits 0, through a session's life", async () => {
        const started = await mccCall(['startSession', 'channelId=1003', 'serviceid=CHAT', 'data=from the cli', '--url', b.url, ...over]);
        assert.equal(started.code, 0, started.stderr);
        assert.equal(started.json?.result, 'SUCCESS');
        const sessionId = started.json?.sessionId as string;
        assert.match(sessionId, /^[0-9a-f-]{36}$/);

        // The REST path's name works as well as the SOAP name.
        const checked = await mccCall(['checkSession', `sessionId=${sessionId}`, '--url', b.url, ...over]);
        assert.deepEqual([checked.code, checked.json?.status, checked.json?.sessionId], [0, 'NEW', sessionId]);

        const set = await mccCall(['setSessionData', `sessionId=${sessionId}`, 'sessionData=x&y <z>', '--url', b.url, ...over]);
        assert.deepEqual([set.code, set.json], [0, { result: 'SUCCESS', sessionId, sessionData: 'x&y <z>' }]);
        const withData = await mccCall(['checkSessionStateWithData', `sessionId=${sessionId}`, '--url', b.url, ...over]);
        assert.deepEqual([withData.json?.data, withData.json?.sessionData], ['from the cli', 'x&y <z>']);

        const services = await mccCall(['getServiceState', 'channelId=1003', 'serviceCodes=CHAT', 'serviceCodes=NOPE', '--url', b.url, ...over]);
        assert.equal(services.code, 0);
        assert.deepEqual(services.json, { result: 'SUCCESS', state: { CHAT: 'ACTIVE', NOPE: 'UNKNOWN_SERVICE' }, channelId: 1003 });

        const closed = await mccCall(['closeSession', `sessionId=${sessionId}`, 'reason=REQUEST_FROM_CALLEE', '--url', b.url, ...over]);
        assert.deepEqual([closed.code, closed.json?.result], [0, 'SUCCESS']);
      });

      it('FAILED: prints the result with its fail reason and exits 1', async () => {
        const r = await mccCall(['startSession', 'channelId=42', 'serviceid=CHAT', '--url', b.url, ...over]);
        assert.equal(r.code, 1);
        assert.deepEqual([r.json?.result, r.json?.failReason], ['FAILED', 'INVALID_CHANNEL_ID']);
        assert.match(r.json?.failReasonMessage, /42/);
      });

      it('no answer (nothing listens there) exits 4; a server that refuses the call exits 3', async () => {
        const idle = createServer().listen(0, '127.0.0.1');
        await once(idle, 'listening');
        const { port } = idle.address() as AddressInfo;
        idle.close();
        const unreachable = await mccCall(['checkSessionState', 'sessionId=x', '--url', `http://127.0.0.1:${port}`, ...over]);
        assert.equal(unreachable.code, 4);
        assert.match(unreachable.stderr, /unreachable: .*ECONNREFUSED/);
        assert.equal(unreachable.stdout, '');

        const refused = await mccCall(['checkSessionState', 'sessionId=x', '--url', `${b.url}/not-the-mcc`, ...over]);
        assert.equal(refused.code, 3);
        assert.match(refused.stderr, /refused: .*404/);
      });
    });
  }

  it('a bad command line exits 2 and says why', async () => {
    const unknownOp = await mccCall(['startSessions', '--url', b.url]);
    assert.equal(unknownOp.code, 2);
    assert.match(unknownOp.stderr, /unknown operation "startSessions"/);
    const unknownField = await mccCall(['checkSessionState', 'sessionid=x', '--url', b.url]);
    assert.equal(unknownField.code, 2);
    assert.match(unknownField.stderr, /whose fields are sessionId/);
    assert.equal((await mccCall(['checkSessionState', '--nope'])).code, 2);
    assert.equal((await mccCall(['checkSessionState', 'sessionId=x', '--ws-security', '--user', 'u', '--url', b.url])).code, 2, 'a UsernameToken is SOAP only');
  });

  describe('with credentials', () => {
    const basicUser = { username: 'integrator', password: 'b4sic-secret-cli' };
    const wssUser = { username: 'wsuser', password: 'ws-secret-cli' };
    const apiKey = 'k3y-cli-0123456789abcdef';
    let secured: TestBridge;
    before(async () => {
      secured = await startTestBridge({
        security: { basic: [basicUser], apiKeys: [{ name: 'cli', key: apiKey }], wsSecurity: { users: [wssUser] }, protectContracts: true },
      });
    });
    after(() => secured.close());

    it('takes them from the environment or from flags, over REST and SOAP, and never prints them', async () => {
      const fromEnv = { MCC_CALL_URL: secured.url, MCC_CALL_USER: basicUser.username, MCC_CALL_PASSWORD: basicUser.password };
      const runs = [
        await mccCall(['checkSessionState', 'sessionId=nope'], fromEnv),
        await mccCall(['checkSessionState', 'sessionId=nope', '--soap'], fromEnv),
        await mccCall(['checkSessionState', 'sessionId=nope', '--url', secured.url, '--api-key', apiKey]),
        await mccCall(['checkSessionState', 'sessionId=nope', '--url', secured.url, '--soap', '--api-key', apiKey]),
        // A UsernameToken on the call; the protected WSDL itself is fetched with the API key.
        await mccCall([
          'checkSessionState',
          'sessionId=nope',
          '--url',
          secured.url,
          '--soap',
          '--ws-security',
          '--user',
          wssUser.username,
          '--password',
          wssUser.password,
          '--api-key',
          apiKey,
        ]),
      ];
      for (const r of runs) {
        assert.deepEqual([r.code, r.json?.failReason], [1, 'INVALID_SESSION_ID'], r.stderr);
      }

      const wrong = [
        await mccCall(['checkSessionState', 'sessionId=nope', '--url', secured.url, '--user', basicUser.username, '--password', 'not-the-secret-cli']),
        await mccCall([
          'checkSessionState',
          'sessionId=nope',
          '--url',
          secured.url,
          '--soap',
          '--user',
          basicUser.username,
          '--password',
          'not-the-secret-cli',
        ]),
        await mccCall([
          'checkSessionState',
          'sessionId=nope',
          '--url',
          secured.url,
          '--soap',
          '--ws-security',
          '--user',
          wssUser.username,
          '--password',
          'not-the-secret-cli',
          '--api-key',
          apiKey,
        ]),
      ];
      for (const r of wrong) {
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, /refused: /);
      }
      for (const r of [...runs, ...wrong]) {
        for (const secret of [basicUser.password, wssUser.password, apiKey, 'not-the-secret-cli']) {
          assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'no secret printed');
        }
      }
    });
  });
});
