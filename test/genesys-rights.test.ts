import assert from 'node:assert/strict';
import { genesysStatusCodes } from '../src/reasons/index.js';
import type { TestBridge } from './support/bridge.js';
import { FACES_EMBEDDED, basic, http, logoutEveryone, soapStart, startFacesBridge } from './support/agent-faces.js';

/**
 * Issue 11 point 3: on the GWS face an agent reads its own interactions, a supervisor (carol,
 * SALES) those of its queues, an admin (root) all; lists come in bounded pages.
 */
const ROOT = { username: 'root', password: 'root-pw', profiles: ['admin'] };

describe('Genesys GWS face: who reads which interaction', () => {
  let b: TestBridge;
  const api = () => `${b.url}/api/v2`;
  const as = (user: string) => ({ Authorization: basic(user, `${user}-pw`) });
  const ids = async (user: string, query = 'fields=*') => {
    const r = await http('GET', `${api()}/interactions?${query}`, undefined, as(user));
    assert.equal(r.body.statusCode, 0, JSON.stringify(r.body));
    return (r.body.interactions as any[]).map((i) => i.id as string).sort();
  };
  before(async () => {
    b = await startFacesBridge({}, { agents: [...FACES_EMBEDDED.agents, ROOT] });
  });
  after(() => b.close());
  afterEach(() => logoutEveryone(b));

  it("alice reads her own, never bob's sessionData; carol the SALES queue; root everything", async () => {
    for (const user of ['alice', 'bob']) {
      await http('POST', `${api()}/me`, { operationName: 'StartContactCenterSession', channels: ['chat'] }, as(user));
    }
    // bob is ready for SALES, alice not yet: each gets the session of their own.
    await http('POST', `${api()}/me`, { operationName: 'Ready' }, as('bob'));
    await soapStart(b, 'SALES', 'gr-bob');
    await http('POST', `${api()}/me`, { operationName: 'Ready' }, as('alice'));
    await soapStart(b, 'CHAT', 'gr-alice');
    for (const [user, id, data] of [
      ['alice', 'gr-alice', 'alice secret'],
      ['bob', 'gr-bob', 'bob secret'],
    ] as const) {
      assert.deepEqual((await http('POST', `${api()}/me/interactions/${id}`, { operationName: 'Accept' }, as(user))).body, { status: 'ok', statusCode: 0 });
      await http('POST', `${api()}/me/interactions/${id}`, { operationName: 'UpdateUserData', userData: { sessionData: data } }, as(user));
    }
    // one waiting in SALES (bob is at capacity)
    await soapStart(b, 'SALES', 'gr-queued');

    const full = await http('GET', `${api()}/interactions?fields=*`, undefined, as('alice'));
    assert.deepEqual(
      full.body.interactions.map((i: any) => i.id),
      ['gr-alice'],
    );
    assert.ok(!JSON.stringify(full.body).includes('bob secret'));
    const uris = await http('GET', `${api()}/interactions`, undefined, as('alice'));
    assert.deepEqual(uris.body.uris, [`${b.url}/api/v2/interactions/gr-alice`]);
    for (const id of ['gr-bob', 'gr-queued']) {
      const one = await http('GET', `${api()}/interactions/${id}`, undefined, as('alice'));
      assert.equal(one.body.statusCode, genesysStatusCodes.FORBIDDEN, id);
      assert.equal(one.body.interaction, undefined);
      assert.ok(!JSON.stringify(one.body).includes('secret'));
    }
    assert.equal((await http('GET', `${api()}/interactions/gr-alice`, undefined, as('alice'))).body.interaction.userData.sessionData, 'alice secret');

    assert.deepEqual(await ids('bob'), ['gr-bob']);
    assert.deepEqual(await ids('carol'), ['gr-bob', 'gr-queued'], 'the SALES queue, not CHAT');
    assert.equal((await http('GET', `${api()}/interactions/gr-alice`, undefined, as('carol'))).body.statusCode, genesysStatusCodes.FORBIDDEN);
    assert.equal((await http('GET', `${api()}/interactions/gr-bob`, undefined, as('carol'))).body.interaction.userData.sessionData, 'bob secret');
    assert.deepEqual(await ids('root'), ['gr-alice', 'gr-bob', 'gr-queued']);
    assert.equal((await http('GET', `${api()}/interactions/gr-alice`, undefined, as('root'))).body.statusCode, 0);
  });

  it('the list is paged by offset and limit, at most 200 a page, however many sessions are open', async () => {
    const total = 210;
    for (let n = 0; n < total; n++) {
      const r = await b.soap('startSession', { channelId: 1003, serviceid: 'CHAT', sessionId: `page-${String(n).padStart(3, '0')}`, contactValue: '0100' });
      assert.equal(r.result, 'SUCCESS');
    }
    assert.equal((await ids('root')).length, 50, 'a default page');
    const first = await ids('root', 'fields=*&limit=5000');
    assert.equal(first.length, 200, 'the largest page');
    const rest = await ids('root', 'fields=*&offset=200&limit=200');
    assert.equal(rest.length, total - 200, 'a short page is the last');
    assert.equal(new Set([...first, ...rest]).size, total, 'pages do not overlap and miss nothing');
    const uris = await http('GET', `${api()}/interactions?offset=10&limit=3`, undefined, as('root'));
    assert.equal(uris.body.uris.length, 3);
    for (const bad of ['limit=0', 'limit=abc', 'offset=-1', 'offset=1.5', 'limit=1&limit=2']) {
      const r = await http('GET', `${api()}/interactions?${bad}`, undefined, as('root'));
      assert.equal(r.body.statusCode, genesysStatusCodes.INVALID_PARAMETER, bad);
    }
  });
});
