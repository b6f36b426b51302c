import assert from 'node:assert/strict';
import type { Interaction } from '../src/backends/backend.js';
import type { EmbeddedEngine } from '../src/backends/embedded/index.js';
import { isOpen } from '../src/backends/embedded/schedule.js';
import type { Outcome } from '../src/reasons/index.js';
import { openEngine, storeKinds, type StoreKind } from './support/engine.js';

/** The embedded engine through its two ports (Backend and AgentDesk): routing, capacity, offers, hours, retention. */
const value = <T>(o: Outcome<T>): T => {
  if (!o.ok) assert.fail(`${o.reason}: ${o.message}`);
  return o.value;
};
const reason = (o: Outcome<unknown>) => (o.ok ? 'ok' : o.reason);

let kind: StoreKind = 'sqlite';
const engine = (embedded: Record<string, unknown>, now?: () => number) =>
  openEngine({ channels: [{ id: 1003, license: 10_000, services: [{ code: 'CHAT' }, { code: 'VIP' }] }], ...embedded }, { kind, ...(now ? { now } : {}) });

async function queued(e: EmbeddedEngine, service = 'CHAT', id?: string): Promise<Interaction> {
  const created = value(await e.createInteraction({ channelId: 1003, serviceCode: service, ...(id ? { id } : {}) }));
  return value(await e.placeInQueue(created.id));
}

for (const storeKind of storeKinds)
  describe(`embedded engine on ${storeKind}`, () => {
    let e: EmbeddedEngine;
    before(() => (kind = storeKind));
    afterEach(() => e?.close());

    it('offers to the longest-idle ready agent first', async () => {
      e = await engine({ agents: ['a', 'b', 'c'].map((username) => ({ username, skills: ['CHAT'] })) });
      for (const u of ['b', 'c', 'a']) {
        await e.agentLogin(u, [1003]);
        await e.agentReady(u);
        await new Promise((r) => setTimeout(r, 2)); // distinct idle-since instants
      }
      const order = [];
      for (let i = 0; i < 3; i++) order.push((await queued(e)).agent?.username);
      assert.deepEqual(order, ['b', 'c', 'a']);
    });

    it('never offers an agent more than its capacity, and hands over as sessions close', async () => {
      e = await engine({
        agents: [
          { username: 'a', skills: ['CHAT'], capacity: 2 },
          { username: 'b', skills: ['CHAT'], capacity: 1 },
        ],
      });
      for (const u of ['a', 'b']) {
        await e.agentLogin(u, [1003]);
        await e.agentReady(u);
      }
      const sessions = [];
      for (let i = 0; i < 20; i++) sessions.push(await queued(e));
      const load = async () => Object.fromEntries(await Promise.all(['a', 'b'].map(async (u) => [u, value(await e.agentState(u)).channels[0]?.load])));
      assert.deepEqual(await load(), { a: 2, b: 1 });
      const booked = [];
      for (const s of sessions) booked.push(value(await e.getInteraction(s.id)));
      assert.equal(booked.filter((s) => s.status === 'BOOKED').length, 3);
      assert.deepEqual(
        booked.filter((s) => s.status === 'QUEUED').map((s) => s.queuePosition),
        Array.from({ length: 17 }, (_, i) => i + 1),
      );
      const first = booked.find((s) => s.status === 'BOOKED') as Interaction;
      value(await e.complete(first.id, 'caller'));
      assert.equal(value(await e.getInteraction(booked[3]!.id)).status, 'BOOKED', 'the head of the queue takes the freed place');
      assert.deepEqual(await load(), { a: 2, b: 1 });
    });

    it('an auto-answering agent gets sessions ASSIGNED directly', async () => {
      e = await engine({ agents: [{ username: 'a', skills: ['CHAT'], autoAnswer: true }] });
      await e.agentLogin('a', [1003]);
      await e.agentReady('a');
      const s = await queued(e);
      assert.deepEqual([s.status, s.agent?.username], ['ASSIGNED', 'a']);
    });

    it('an unanswered offer goes back to its original place and the agent is set not ready', async () => {
      e = await engine({ offerTimeoutSeconds: 0.05, agents: [{ username: 'a', skills: ['CHAT'] }] });
      await e.agentLogin('a', [1003]);
      await e.agentReady('a');
      const first = await queued(e);
      const second = await queued(e);
      assert.equal(first.status, 'BOOKED');
      await new Promise((r) => setTimeout(r, 120));
      const back = value(await e.getInteraction(first.id));
      assert.deepEqual([back.status, back.queuePosition, back.agent], ['QUEUED', 1, undefined]);
      assert.equal(value(await e.getInteraction(second.id)).queuePosition, 2);
      assert.equal(value(await e.agentState('a')).channels[0]?.ready, false);
      assert.equal(reason(await e.accept(first.id, 'a')), 'INVALID_STATE', 'a timed-out offer cannot be accepted');
    });

    it('a rejected offer keeps its place and is not offered to that agent again', async () => {
      e = await engine({
        agents: [
          { username: 'a', skills: ['CHAT'] },
          { username: 'b', skills: ['CHAT'] },
        ],
      });
      await e.agentLogin('a', [1003]);
      await e.agentReady('a');
      const s = await queued(e);
      const later = await queued(e);
      assert.equal(s.agent?.username, 'a');
      const rejected = value(await e.reject(s.id, 'a'));
      assert.equal(rejected.status, 'QUEUED');
      assert.equal(rejected.queuePosition, 1);
      assert.equal(value(await e.getInteraction(later.id)).agent?.username, 'a', 'a takes the next one instead');
      await e.agentLogin('b', [1003]);
      await e.agentReady('b');
      assert.equal(value(await e.getInteraction(s.id)).agent?.username, 'b');
      assert.equal(reason(await e.reject(s.id, 'a')), 'INVALID_STATE');
      assert.equal(reason(await e.reject(s.id, 'zed')), 'UNKNOWN_AGENT');
    });

    it('accept moves BOOKED to ASSIGNED for the offered agent only', async () => {
      e = await engine({
        agents: [
          { username: 'a', skills: ['CHAT'] },
          { username: 'b', skills: ['CHAT'] },
        ],
      });
      await e.agentLogin('a', [1003]);
      await e.agentReady('a');
      const s = await queued(e);
      assert.equal(reason(await e.accept(s.id, 'b')), 'INVALID_STATE');
      assert.equal(value(await e.accept(s.id, 'a')).status, 'ASSIGNED');
      assert.equal(value(await e.accept(s.id, 'a')).status, 'ASSIGNED', 'idempotent');
    });

    it('transfers to another agent or to another service queue', async () => {
      e = await engine({
        agents: [
          { username: 'a', skills: ['CHAT'], autoAnswer: true },
          { username: 'b', skills: ['CHAT'] },
          { username: 'v', skills: ['VIP'] },
        ],
      });
      for (const u of ['a', 'b']) await e.agentLogin(u, [1003]);
      await e.agentReady('a');
      const s = await queued(e);
      assert.equal(s.status, 'ASSIGNED');
      const toB = value(await e.transfer(s.id, 'a', { username: 'b' }));
      assert.deepEqual([toB.status, toB.agent?.username], ['BOOKED', 'b']);
      assert.equal(value(await e.agentState('a')).channels[0]?.load, 0);
      value(await e.accept(s.id, 'b'));
      assert.equal(reason(await e.transfer(s.id, 'b', { serviceCode: 'NOPE' })), 'UNKNOWN_SERVICE');
      const toVip = value(await e.transfer(s.id, 'b', { serviceCode: 'VIP' }));
      assert.deepEqual([toVip.status, toVip.serviceCode, toVip.queuePosition], ['QUEUED', 'VIP', 1]);
      assert.equal(reason(await e.transfer(s.id, 'b', { username: 'a' })), 'INVALID_STATE', 'only the holder transfers');
      await e.agentLogin('v', [1003]);
      await e.agentReady('v');
      assert.equal(value(await e.getInteraction(s.id)).agent?.username, 'v');
    });

    it('keeps user data until the session closes', async () => {
      e = await engine({});
      const s = await queued(e);
      value(await e.updateUserData(s.id, { sessionData: 'x', lang: 'it' }));
      assert.deepEqual(value(await e.deleteUserData(s.id, ['lang'])).userData, { sessionData: 'x' });
      value(await e.complete(s.id, 'agent'));
      assert.equal(reason(await e.updateUserData(s.id, { a: 'b' })), 'INTERACTION_CLOSED');
      assert.equal(reason(await e.updateUserData('nope', { a: 'b' })), 'UNKNOWN_INTERACTION');
    });

    it('agent faces: login options, line take-over, wrap-up after a session, workbins, runtime queue membership', async () => {
      e = await engine({
        agents: [
          { username: 'a', skills: ['CHAT'], capacity: 2 },
          { username: 'b', skills: ['CHAT'] },
        ],
      });
      value(await e.agentLogin('a', [1003], { phone: '1001', autoAnswer: true, autoIdle: false, initial: { ready: false, reason: { kind: 'wrap-up' } } }));
      assert.deepEqual(
        value(await e.agentEvents('a')).map((ev) => [ev.kind, ev.reason ?? '']),
        [
          ['LOGGED_IN', ''],
          ['READY', ''],
          ['NOT_READY', 'wrap-up'],
        ],
      );
      value(await e.agentReady('a'));
      const one = await queued(e, 'CHAT', 'one');
      assert.equal(one.status, 'ASSIGNED', 'auto-answer from the login, not the roster');
      value(await e.placeInWorkbin('one', 'a', 'later'));
      assert.equal(value(await e.agentState('a')).channels[0]?.load, 0, 'a parked session is off the load');
      assert.deepEqual(
        value(await e.workbinContent('a', 'later')).map((i) => i.id),
        ['one'],
      );
      value(await e.accept('one', 'a'));
      assert.equal(value(await e.agentState('a')).channels[0]?.load, 1);
      value(await e.complete('one', 'caller'));
      const after = value(await e.agentState('a')).channels[0];
      assert.deepEqual([after?.ready, after?.reason], [false, 'wrap-up'], 'auto-idle off: wrap-up after the session');
      // b takes a's line: a is logged out everywhere
      value(await e.agentLogin('b', [1003], { phone: '1001', takeOverPhone: true, initial: { ready: true } }));
      assert.equal(value(await e.agentState('a')).loggedIn, false);
      assert.equal(value(await e.agentState('b')).phone, '1001');
      // runtime queue membership: b leaves CHAT, so a CHAT session waits
      value(await e.setQueueMembership('b', 'CHAT', -1));
      assert.equal((await queued(e, 'CHAT', 'two')).status, 'QUEUED');
      value(await e.setQueueMembership('b', 'CHAT', 3)); // back in: routed at once
      assert.equal(value(await e.getInteraction('two')).status, 'BOOKED');
      assert.ok(value(await e.queueMembership()).some((m) => m.username === 'b' && m.serviceCode === 'CHAT' && m.penalty === 3));
      assert.equal(reason(await e.setQueueMembership('b', 'NOPE', 0)), 'UNKNOWN_SERVICE');
    });

    it('agent sessions: found by token on their face, rotated, and an agent signed out when its keep-alive lapses', async () => {
      let t = Date.now();
      e = await engine({ agents: [{ username: 'a', skills: ['CHAT'] }] }, () => t);
      const s = value(await e.sessions.open('a', 'huawei', { ttlMs: 1000, logoutOnExpiry: true }));
      value(await e.agentLogin('a', [1003], { initial: { ready: true } }));
      assert.equal(reason(await e.sessions.find(s.token, 'xivo')), 'SESSION_EXPIRED', 'another face does not know it');
      assert.equal(value(await e.sessions.find(s.token, 'huawei')).username, 'a');
      const next = value(await e.sessions.rotate(s, 1000, 100));
      assert.notEqual(next.token, s.token);
      t += 500;
      await e.sessions.expire();
      assert.equal(reason(await e.sessions.find(s.token, 'huawei')), 'SESSION_EXPIRED', 'the old token lapsed after its grace');
      assert.equal(value(await e.agentState('a')).loggedIn, true, 'the rotated session keeps the agent in');
      t += 1000;
      await e.sessions.expire();
      assert.equal(value(await e.agentState('a')).loggedIn, false);
      assert.equal(value(await e.agentEvents('a')).at(-1)?.reason, 'huawei session expired');
    });

    it('agent login checks the user and the channels', async () => {
      e = await engine({
        agents: [
          { username: 'a', skills: ['CHAT'] },
          { username: 's', profiles: ['supervisor'] },
        ],
      });
      assert.equal(reason(await e.agentLogin('zed', [1003])), 'UNKNOWN_AGENT');
      assert.equal(reason(await e.agentLogin('s', [1003])), 'NOT_AN_AGENT');
      assert.equal(reason(await e.agentLogin('a', [2])), 'UNKNOWN_CHANNEL');
      assert.equal(reason(await e.agentReady('a')), 'AGENT_NOT_LOGGED_IN');
      assert.deepEqual(
        value(await e.agentLogin('a', [1003])).channels.map(({ since: _, ...c }) => c),
        [{ channelId: 1003, ready: false, load: 0, capacity: 1 }],
      );
    });

    it('estimates the wait from queue position, staffed capacity and handling times', async () => {
      e = await engine({ expectedHandleSeconds: 120, agents: [{ username: 'a', skills: ['CHAT'], capacity: 2 }] });
      await e.agentLogin('a', [1003]); // logged in, not ready: counts as staff, takes nothing yet
      const views = [];
      for (let i = 0; i < 5; i++) views.push(await queued(e));
      assert.deepEqual(
        views.map((v) => [v.queuePosition, v.expectedWaitSeconds]),
        [
          [1, 120],
          [2, 120],
          [3, 240],
          [4, 240],
          [5, 360],
        ],
      );
    });

    it('forgets CLOSED sessions after the retention, not before', async () => {
      let now = Date.parse('2026-01-01T00:00:00Z');
      e = await engine({ closedRetentionHours: 1 }, () => now);
      const s = await queued(e, 'CHAT', 'keep-me');
      value(await e.complete(s.id, 'caller'));
      now += 59 * 60_000;
      assert.equal(await e.sweep(now), 0);
      assert.equal(value(await e.getInteraction('keep-me')).status, 'CLOSED');
      now += 2 * 60_000;
      assert.equal(await e.sweep(now), 1);
      assert.equal(reason(await e.getInteraction('keep-me')), 'UNKNOWN_INTERACTION');
      value(await e.createInteraction({ channelId: 1003, serviceCode: 'CHAT', id: 'keep-me' })); // the id is free again
    });

    it('writes each agent what happened to it, in order, readable from a cursor', async () => {
      e = await engine({
        offerTimeoutSeconds: 0.05,
        agents: [
          { username: 'a', skills: ['CHAT'] },
          { username: 'b', skills: ['CHAT'], autoAnswer: true },
        ],
      });
      const kinds = async (u: string, after = 0) => value(await e.agentEvents(u, after)).map((ev) => [ev.kind, ev.reason ?? '', ev.sessionId ?? '']);
      await e.agentLogin('a', [1003]);
      await e.agentReady('a');
      const first = await queued(e, 'CHAT', 'one');
      assert.equal(first.agent?.username, 'a');
      value(await e.accept('one', 'a'));
      value(await e.complete('one', 'caller'));
      await queued(e, 'CHAT', 'two');
      value(await e.reject('two', 'a'));
      await e.agentLogin('b', [1003]);
      await e.agentReady('b'); // takes 'two' (auto-answer)
      await e.agentNotReady('a', undefined, { kind: 'pause', label: 'lunch' });
      await e.agentReady('a');
      await queued(e, 'CHAT', 'three'); // offered to a, who lets it ring
      await new Promise((r) => setTimeout(r, 150));
      await e.agentLogout('b');
      assert.deepEqual(await kinds('a'), [
        ['LOGGED_IN', '', ''],
        ['READY', '', ''],
        ['OFFERED', '', 'one'],
        ['ASSIGNED', '', 'one'],
        ['CLOSED', 'closed by the caller', 'one'],
        ['OFFERED', '', 'two'],
        ['RELEASED', 'rejected', 'two'],
        ['NOT_READY', 'lunch', ''],
        ['READY', 'lunch', ''], // says which not-ready state it ends
        ['OFFERED', '', 'three'],
        ['RELEASED', 'no answer', 'three'],
        ['NOT_READY', 'no answer', ''],
      ]);
      assert.deepEqual(await kinds('b'), [
        ['LOGGED_IN', '', ''],
        ['READY', '', ''],
        ['OFFERED', '', 'two'],
        ['ASSIGNED', '', 'two'],
        // capacity 1: 'three', back from a, waits for b instead of going to it
        ['RELEASED', 'logout', 'two'],
        ['LOGGED_OUT', '', ''],
      ]);
      assert.equal(value(await e.getInteraction('three')).status, 'QUEUED');
      const all = value(await e.agentEvents('a'));
      assert.deepEqual(await kinds('a', all[9]!.id), (await kinds('a')).slice(10), 'a cursor resumes after the last delivered event');
      assert.equal(reason(await e.agentEvents('zed')), 'UNKNOWN_AGENT');
    });

    describe('opening hours', () => {
      const service = { hours: { mon: ['08:30-12:00', '14:00-24:00'] }, holidays: ['12-25', '2026-04-06'], timeZone: 'Europe/Rome' };
      const at = (iso: string) => isOpen(service, 'UTC', Date.parse(iso));

      it('follow the weekly ranges in the service time zone', () => {
        assert.equal(at('2026-01-05T07:29:00Z'), false); // Monday 08:29 in Rome (UTC+1)
        assert.equal(at('2026-01-05T07:30:00Z'), true); // 08:30
        assert.equal(at('2026-01-05T11:00:00Z'), false); // 12:00, the end is exclusive
        assert.equal(at('2026-01-05T22:59:00Z'), true); // 23:59
        assert.equal(at('2026-01-05T23:00:00Z'), false); // Tuesday 00:00: no hours on Tuesday
        assert.equal(at('2026-07-06T06:30:00Z'), true); // summer time (UTC+2): 08:30
      });

      it('close on holidays, yearly or dated', () => {
        assert.equal(isOpen({ hours: undefined, holidays: ['12-25'] }, 'Europe/Rome', Date.parse('2028-12-25T10:00:00Z')), false);
        assert.equal(at('2026-04-06T09:00:00Z'), false); // Monday 11:00 in Rome, but Easter Monday
        assert.equal(at('2026-04-13T09:00:00Z'), true); // the Monday after, 11:00
      });

      it('make the service OVERTIME, and ACTIVE again when it opens', async () => {
        let now = Date.parse('2026-01-05T06:00:00Z'); // Monday 07:00 in Rome
        e = await openEngine(
          {
            timeZone: 'Europe/Rome',
            channels: [{ id: 1, license: 5, services: [{ code: 'DESK', hours: { mon: ['08:00-18:00'] }, closedMessage: 'Back at 8.' }] }],
            agents: [{ username: 'a', skills: ['DESK'] }],
          },
          { kind, now: () => now },
        );
        await e.agentLogin('a', [1]);
        assert.deepEqual(value(await e.serviceStates(1, ['DESK'])), { DESK: 'OVERTIME' });
        const s = value(await e.createInteraction({ channelId: 1, serviceCode: 'DESK' }));
        assert.equal(s.serviceMessage, 'Back at 8.');
        now += 2 * 3_600_000;
        assert.deepEqual(value(await e.serviceStates(1, ['DESK'])), { DESK: 'ACTIVE' });
        assert.equal(value(await e.getInteraction(s.id)).serviceMessage, undefined);
      });
    });
  });
