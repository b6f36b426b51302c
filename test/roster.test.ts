import assert from 'node:assert/strict';
import { parseConfig } from '../src/config/index.js';
import type { TestBridge } from './support/bridge.js';
import { FACES_EMBEDDED, http, startFacesBridge } from './support/agent-faces.js';

/** One roster for the engine and the agent faces: a reload reaches both, through the running server. */
describe('the roster after a reload', () => {
  let b: TestBridge;
  before(async () => {
    b = await startFacesBridge();
  });
  after(() => b.close());

  const xucLogin = (login: string, password: string) => http('POST', `${b.url}/xuc/api/2.0/auth/login`, { login, password });

  it('lets a new agent sign in through a face and log in on the engine, and retires a changed password', async () => {
    assert.equal((await xucLogin('erin', 'erin-pw')).status, 401, 'not in the roster yet');
    assert.equal((await b.engine.agentState('erin')).ok, false);
    const agents = [
      ...FACES_EMBEDDED.agents.map((a) => (a.username === 'alice' ? { ...a, password: 'alice-new' } : a)),
      { username: 'erin', password: 'erin-pw', agentId: 204, skills: ['CHAT'], capacity: { 1003: 3 } },
    ];
    await b.reload(parseConfig({ server: { port: 0, host: '127.0.0.1' }, embedded: { ...FACES_EMBEDDED, agents } }, 'test'));

    const erin = await xucLogin('erin', 'erin-pw');
    assert.equal(erin.status, 200);
    assert.equal(typeof erin.body.token, 'string');
    assert.equal((await xucLogin('alice', 'alice-pw')).status, 401, 'the old password');
    assert.equal((await xucLogin('alice', 'alice-new')).status, 200, 'the new password');
    const state = await b.engine.agentLogin('erin', [1003]);
    assert.ok(state.ok);
    assert.deepEqual(
      state.value.channels.map((c) => c.capacity),
      [3],
      'the capacity of the new roster',
    );
  });
});
