import assert from 'node:assert/strict';
import { startTestBridge, type TestBridge } from './support/bridge.js';
import { openStream, until } from './support/push.js';

/** Server-Sent Events of session changes, from a real server over HTTP. */
describe('session events (SSE)', function () {
  this.timeout(30_000);
  let b: TestBridge | undefined;
  afterEach(() => b?.close(0));

  const events = (url: string, query: string) => `${url}/mc/cxf/rest/json/events?${query}`;

  it('a client that disconnects resumes with Last-Event-ID and misses nothing', async () => {
    b = await startTestBridge();
    const { sessionId } = await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT' });
    const first = openStream(events(b.url, `sessionId=${sessionId}`));
    assert.match(String((await first.opened).headers.get('content-type')), /^text\/event-stream/);
    await until('NEW', () => first.events.length === 1);
    assert.equal(first.events[0]?.data.status, 'NEW');
    assert.equal(first.events[0]?.data.sessionId, sessionId);
    await b.rest('sessionAccept', { sessionId });
    await until('QUEUED at once', () => first.events.length === 2);
    first.close();
    const lastId = String(first.events.at(-1)?.id);

    // While nobody listens: bob (auto-answer) logs in and takes it, then it is closed.
    await b.engine.agentLogin('bob', [1003]);
    await b.engine.agentReady('bob');
    await b.rest('closeSession', { sessionId });
    const again = openStream(events(b.url, `sessionId=${sessionId}`), { 'Last-Event-ID': lastId });
    await until('the missed changes', () => again.events.length === 2);
    assert.deepEqual(
      again.events.map((e) => [e.data.status, e.data.username]),
      [
        ['ASSIGNED', 'bob'],
        ['CLOSED', 'bob'],
      ],
    );
    assert.ok(again.events.every((e) => e.id > Number(lastId)));
    assert.equal(again.events[0]?.data.customMessage, 'Assigned to Bob Rossi.');
    again.close();
  });

  it('sends heartbeats on an idle stream, and ends streams when the bridge stops', async () => {
    // The engine is built by the test here, so it is given the setting startContactCenter passes from the config.
    b = await startTestBridge({}, { push: { heartbeatSeconds: 1 } });
    const { sessionId } = await b.rest('startSession', { channelId: '1003', serviceid: 'CHAT' });
    const res = await fetch(events(b.url, `sessionId=${sessionId}`));
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes(': heartbeat')) text += new TextDecoder().decode((await reader.read()).value);
    const closing = Date.now();
    await b.close(5);
    b = undefined;
    for (;;) if ((await reader.read()).done) break;
    assert.ok(Date.now() - closing < 2000, 'the stream was ended by the bridge, not cut at the grace');
  });

  it("a channel's stream needs credentials, and says to configure them when the bridge has none", async () => {
    b = await startTestBridge();
    const open = await fetch(events(b.url, 'channelId=1003'));
    assert.equal(open.status, 401);
    assert.match(((await open.json()) as { message: string }).message, /configure security\.basic or security\.apiKeys/);
    await b.close(0);

    b = await startTestBridge({ security: { basic: [{ username: 'crm', password: 'crm-secret' }] } });
    assert.equal((await fetch(events(b.url, 'channelId=1003'))).status, 401);
    const auth = { authorization: `Basic ${Buffer.from('crm:crm-secret').toString('base64')}` };
    const stream = openStream(events(b.url, 'channelId=1003&serviceid=CHAT'), auth);
    assert.equal((await stream.opened).status, 200);
    const started = await fetch(`${b.url}/mc/cxf/rest/json/startSession?channelId=1003&serviceid=SALES`, { headers: auth });
    const chat = (await (await fetch(`${b.url}/mc/cxf/rest/json/startSession?channelId=1003&serviceid=CHAT`, { headers: auth })).json()) as {
      sessionId: string;
    };
    assert.equal(started.status, 200);
    await until('the CHAT session only', () => stream.events.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(
      stream.events.map((e) => [e.data.sessionId, e.data.serviceId]),
      [[chat.sessionId, 'CHAT']],
    );
    stream.close();
  });

  it('refuses an unknown session and a request naming neither a session nor a channel', async () => {
    b = await startTestBridge();
    assert.equal((await fetch(events(b.url, 'sessionId=no-such-session'))).status, 404);
    assert.equal((await fetch(events(b.url, ''))).status, 400);
  });
});
