import assert from 'node:assert/strict';
import { availableAgents, planOffers, servicesToScan, type QueuedSession, type RoutableAgent, type RoutingRules } from '../src/backends/embedded/routing.js';

/** The routing policy alone: plain values in, the offers to make out; no store, no engine. */

interface Session extends QueuedSession {
  id: string;
}
const session = (id: string, seq: number, serviceCode = 'CHAT', rejectedBy: string[] = []): Session => ({ id, seq, serviceCode, rejectedBy });
const agent = (username: string, idleSince: number, load = 0, ready = true): RoutableAgent => ({ username, idleSince, load, ready });
const rules = (skills: Record<string, string[]>, capacity: Record<string, number> = {}): RoutingRules => ({
  skilled: (u, code) => skills[u]?.includes(code) ?? false,
  capacity: (u) => capacity[u] ?? 1,
});
const plan = (agents: RoutableAgent[], queues: Session[][], r: RoutingRules) =>
  planOffers(agents, queues, r, 1_000).map((o) => `${o.session.id}→${o.agent.username}`);

describe('routing policy', () => {
  it('offers each session to the longest-idle skilled agent', () => {
    const r = rules({ a: ['CHAT'], b: ['CHAT'], c: ['CHAT'] });
    assert.deepEqual(plan([agent('a', 30), agent('b', 10), agent('c', 20)], [[session('s1', 1), session('s2', 2), session('s3', 3)]], r), [
      's1→b',
      's2→c',
      's3→a',
    ]);
  });

  it('takes the oldest session first across the services of the channel', () => {
    const r = rules({ a: ['CHAT', 'VIP'] }, { a: 2 });
    const chat = [session('c1', 5, 'CHAT'), session('c2', 7, 'CHAT')];
    const vip = [session('v1', 3, 'VIP')];
    assert.deepEqual(plan([agent('a', 0)], [chat, vip], r), ['v1→a', 'c1→a']);
  });

  it('skips agents not skilled for the service, and sessions nobody skilled can take', () => {
    const r = rules({ a: ['VIP'], b: ['CHAT'] });
    assert.deepEqual(plan([agent('a', 0), agent('b', 5)], [[session('c1', 1, 'CHAT'), session('c2', 2, 'CHAT')], [session('v1', 3, 'VIP')]], r), [
      'c1→b',
      'v1→a',
    ]);
  });

  it('never offers beyond capacity; an offer counts at once and restarts the idle time', () => {
    const r = rules({ a: ['CHAT'], b: ['CHAT'] }, { a: 2, b: 1 });
    const queue = [1, 2, 3, 4].map((n) => session(`s${n}`, n));
    // a (idle longest) gets s1, then b (idle since 5, before a's new 1 000) s2, then a again; then both are full.
    assert.deepEqual(plan([agent('a', 0), agent('b', 5)], [queue], r), ['s1→a', 's2→b', 's3→a']);
    assert.deepEqual(plan([agent('a', 0, 1), agent('b', 5)], [queue], r), ['s1→a', 's2→b'], 'a already holds one of its two');
  });

  it('does not offer a session to an agent who declined it', () => {
    const r = rules({ a: ['CHAT'], b: ['CHAT'] });
    assert.deepEqual(plan([agent('a', 0), agent('b', 5)], [[session('s1', 1, 'CHAT', ['a']), session('s2', 2)]], r), ['s1→b', 's2→a']);
    assert.deepEqual(plan([agent('a', 0)], [[session('s1', 1, 'CHAT', ['a'])]], r), []);
  });

  it('leaves its inputs as they were', () => {
    const agents = [agent('a', 0)];
    const queues = [[session('c1', 5)], [session('v1', 3, 'VIP')]];
    planOffers(agents, queues, rules({ a: ['CHAT', 'VIP'] }), 1_000);
    assert.deepEqual(agents, [agent('a', 0)]);
    assert.deepEqual(
      queues.map((q) => q[0]?.id),
      ['c1', 'v1'],
    );
  });

  it('counts as available only ready agents under capacity, and scans only services they are skilled for', () => {
    const r = rules({ a: ['CHAT'], b: ['VIP'], c: ['MAIL'] }, { a: 2, b: 1, c: 1 });
    const available = availableAgents([agent('a', 0, 1), agent('b', 0, 1), agent('c', 0, 0, false), agent('d', 0)], r);
    assert.deepEqual(
      available.map((a) => a.username),
      ['a', 'd'],
    );
    assert.deepEqual(servicesToScan(['VIP', 'CHAT', 'MAIL'], available, r), ['CHAT']);
  });
});
