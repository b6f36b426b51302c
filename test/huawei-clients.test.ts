import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestBridge, type TestBridge } from './support/bridge.js';
import { FACES_EMBEDDED, http, logoutEveryone, soapStart, soapStatus, startFacesBridge } from './support/agent-faces.js';
import { BrowserConsole, JavaDemo } from './support/huawei-clients.js';

const ALICE = 201;
const DAVE = 203;
const types = (events: any[]) => events.map((e) => e.eventType);
const loggedIn = async (b: TestBridge, username: string) => {
  const s = await b.engine.agentState(username);
  return s.ok && s.value.loggedIn;
};

/** Huawei's own agent clients (test/support/huawei-clients.ts), replayed unchanged over HTTP against the real server. */
describe("Huawei's agent clients against the CC-Gateway face", () => {
  describe('request sequences of the Java demo and the browser console', () => {
    let b: TestBridge;
    before(async () => {
      b = await startFacesBridge({ faces: { huawei: { pollWaitSeconds: 0.2, callReleaseContent: 'object' } } });
    });
    after(() => b.close());
    afterEach(() => logoutEveryone(b));

    it('the Java agent demo: forcelogin, resetskill, polling, answer without callid, setcalldataex and appdata, release', async () => {
      const demo = new JavaDemo(b.url, ALICE);
      assert.equal((await demo.forceLogin('alice-pw', '1001', false)).entity.retcode, '0');
      assert.match(demo.guid, /^[0-9a-f-]{36}\.AgentGateway\d$/);
      assert.equal((await demo.resetSkills()).entity.retcode, '0');
      assert.deepEqual(types(await demo.drain()), ['AgentOther_InService', 'AgentState_Ready']);

      await soapStart(b, 'CHAT', 'java-1');
      const [ringing] = await demo.drain();
      assert.equal(ringing?.eventType, 'AgentEvent_Ringing');
      assert.equal((await soapStatus(b, 'java-1')).status, 'BOOKED');
      assert.equal((await demo.answer()).entity.retcode, '0');
      assert.equal((await soapStatus(b, 'java-1')).status, 'ASSIGNED');
      assert.equal((await demo.setCallData('java-1', 'order 7')).entity.retcode, '0');
      assert.deepEqual((await demo.appData()).entity, { message: 'success', retcode: '0', result: 'order 7' });
      assert.equal((await demo.release()).entity.retcode, '0');
      assert.equal((await soapStatus(b, 'java-1')).status, 'CLOSED');
      const after = await demo.drain();
      assert.deepEqual(after.find((e) => e.eventType === 'AgentEvent_Call_Release')?.content, { callid: 'java-1' });
      assert.equal((await demo.answer()).entity.retcode, '200-002', 'nothing rings any more');
    });

    it('the browser console: doubled slashes, text/plain calls, exact application/json, callinfobycallid on ringing, Call_Release content.callid', async () => {
      const web = new BrowserConsole(b.url, DAVE);
      const login = await web.login('dave-pw', '1003');
      assert.equal(login.contentType, 'application/json');
      assert.equal(login.entity.retcode, '0', 'the console parsed the body as JSON');
      assert.equal((await web.resetSkill()).entity.retcode, '0');
      assert.deepEqual(types(await web.drain()), ['AgentOther_InService', 'AgentState_Ready']);
      assert.equal((await web.setAutoAnswer(false)).entity.retcode, '0');

      await soapStart(b, 'CHAT', 'web-1');
      const [ringing] = await web.drain();
      assert.equal(ringing?.eventType, 'AgentEvent_Ringing');
      const info = await web.callInfo(ringing.content.callid);
      assert.equal(info.entity.retcode, '0');
      assert.deepEqual(
        [info.entity.result.callid, info.entity.result.caller, info.entity.result.called, info.entity.result.callfeature, info.entity.result.calldata],
        ['web-1', '+39055123', 'CHAT', 0, ''],
      );
      assert.equal((await web.answer()).entity.retcode, '0');
      assert.equal((await soapStatus(b, 'web-1')).status, 'ASSIGNED');
      assert.equal((await web.drain())[0]?.eventType, 'AgentEvent_Talking');
      assert.equal((await web.release()).entity.retcode, '0');
      const release = (await web.drain()).find((e) => e.eventType === 'AgentEvent_Call_Release');
      assert.equal(release?.content.callid, 'web-1');
      assert.equal((await web.logout()).entity.retcode, '0');
    });
  });

  describe('event delivery', () => {
    let b: TestBridge;
    before(async () => {
      b = await startFacesBridge({ faces: { huawei: { pollWaitSeconds: 4 } } });
      await b.soapClient(); // loaded now, so an offer is made while a poll is held
    });
    /** The sign-in's two events, without waiting out an empty poll. */
    const signedIn = async (demo: JavaDemo) => {
      await demo.forceLogin('alice-pw', '1001', false);
      assert.deepEqual(
        [(await demo.poll()).entity.event?.eventType, (await demo.poll()).entity.event?.eventType],
        ['AgentOther_InService', 'AgentState_Ready'],
      );
    };
    after(() => b.close());
    afterEach(() => logoutEveryone(b));

    it('a poll the client abandons swallows nothing: the offer arrives once, on the next poll', async () => {
      const demo = new JavaDemo(b.url, ALICE);
      await signedIn(demo);
      const abandon = new AbortController();
      const held = demo.poll(abandon.signal).catch((e: unknown) => e);
      await sleep(200); // the server holds the poll
      abandon.abort();
      assert.ok((await held) instanceof Error);
      await sleep(100);
      await soapStart(b, 'CHAT', 'drop-1');
      const next = await demo.poll();
      assert.equal(next.entity.event?.eventType, 'AgentEvent_Ringing', JSON.stringify(next.entity));
      assert.equal(next.entity.event.content.callid, 'drop-1');
      // The client received it: never again.
      assert.deepEqual(types(await demo.drain()), []);
      assert.equal((await soapStatus(b, 'drop-1')).status, 'BOOKED');
    });

    it('an answer is consumed by the next poll on the same Guid, not before', async () => {
      const demo = new JavaDemo(b.url, ALICE);
      await signedIn(demo);
      await soapStart(b, 'CHAT', 'ack-1');
      assert.equal((await demo.poll()).entity.event?.eventType, 'AgentEvent_Ringing');
      // Handed out, not consumed: the cursor is still before the offer.
      const sessions = await b.engine.store.read((tx) => tx.agentSessionsOf('alice', 'huawei'));
      const [only] = sessions;
      assert.ok(only);
      assert.ok(only.cursor < (await b.engine.store.read((tx) => tx.lastEventId('alice'))));
      assert.match(only.lastSent ?? '', /"pending"/);
      assert.deepEqual(types(await demo.drain()), []);
      const [acked] = await b.engine.store.read((tx) => tx.agentSessionsOf('alice', 'huawei'));
      assert.doesNotMatch(acked?.lastSent ?? '', /"pending"/);
    });
  });

  it('a Guid kept for an hour (simulated clock) works on, with no re-delivery and no loop; a client adopting Set-GUID too', async () => {
    let clock = Date.now();
    const b = await startTestBridge(
      { embedded: FACES_EMBEDDED, faces: { huawei: { pollWaitSeconds: 0, keepAliveSeconds: 120, guidRotateSeconds: 300 } } },
      { now: () => clock },
    );
    try {
      const demo = new JavaDemo(b.url, ALICE);
      const web = new BrowserConsole(b.url, DAVE);
      await demo.forceLogin('alice-pw', '1001', false);
      await web.login('dave-pw', '1003');
      const original = demo.guid;
      await demo.drain();
      await web.drain();
      assert.equal((await demo.sayBusy()).entity.retcode, '0');
      assert.equal((await http('POST', `${b.url}/agentgateway/resource/onlineagent/${DAVE}/saybusy`, undefined, { Guid: web.guid })).body.retcode, '0');
      const seen: Record<string, string[]> = { demo: [], web: [] };
      const offered: Record<string, number> = { demo: 0, web: 0 };
      const webGuids = new Set([web.guid]);
      for (let step = 1; step <= 240; step++) {
        clock += 15_000; // 240 × 15 s: an hour
        for (const [name, client] of [
          ['demo', demo],
          ['web', web],
        ] as const) {
          const a = await client.poll();
          assert.equal(a.entity.retcode, '0', `${name} at ${step * 15} s: ${JSON.stringify(a.entity)}`);
          if (a.entity.event) seen[name]?.push(a.entity.event.eventType);
          if (a.setGuid) offered[name] = (offered[name] ?? 0) + 1;
        }
        webGuids.add(web.guid);
        await b.engine.sessions.expire(); // lapsed Guids go, as the engine's timer does
      }
      assert.deepEqual(seen, { demo: ['AgentState_SetNotReady_Success'], web: ['AgentState_SetNotReady_Success'] });
      assert.equal(demo.guid, original, 'the Java demo never reads Set-GUID again');
      // One successor offered per rotation period (3600 / 300), not one per poll.
      assert.ok(offered.demo! >= 11 && offered.demo! <= 12, `demo offered ${offered.demo} Guids`);
      assert.ok(webGuids.size >= 12 && webGuids.size <= 13, `web used ${webGuids.size} Guids`);
      assert.ok(await loggedIn(b, 'alice'));
      assert.ok(await loggedIn(b, 'dave'));
      // Guids left behind lapse: a handful live, not one per poll.
      assert.ok((await b.engine.store.read((tx) => tx.agentSessionsOf('alice', 'huawei'))).length <= 2);
    } finally {
      await b.close();
    }
  });
});
