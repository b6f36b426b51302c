import assert from 'node:assert/strict';
import { parseConfig } from '../src/config/index.js';

describe('vendor backend configuration', () => {
  const base = {
    kind: 'huawei',
    url: 'http://gw:8000',
    agentId: '59000',
    password: 'x',
    channels: [{ id: 1003, services: [{ code: 'CHAT', queue: '10' }] }],
    agents: [{ username: 'alice', vendorId: '201' }],
  };
  const errorOf = (backend: Record<string, unknown>) => {
    try {
      parseConfig({ backend }, 'test');
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('accepts a full mapping and fills the defaults', () => {
    const c = parseConfig({ backend: base }, 'test');
    assert.equal(c.backend.kind, 'huawei');
    if (c.backend.kind !== 'huawei') return;
    assert.equal(c.backend.deadlineMs, 2000);
    assert.equal(c.backend.breaker.failures, 5);
    assert.equal(c.backend.channels[0]?.media, 'chat');
  });

  it('refuses at start, naming the key: bad channels, repeated services and agents, non-numeric skills, missing credentials', () => {
    assert.match(errorOf({ ...base, channels: [{ id: 7, services: [{ code: 'CHAT', queue: '10' }] }] }), /backend\.channels\[0\]\.id/);
    assert.match(
      errorOf({
        ...base,
        channels: [
          {
            id: 1003,
            services: [
              { code: 'CHAT', queue: '10' },
              { code: 'CHAT', queue: '11' },
            ],
          },
        ],
      }),
      /listed twice/,
    );
    assert.match(errorOf({ ...base, channels: [{ id: 1003, services: [{ code: 'CHAT', queue: 'Chat_Q' }] }] }), /numeric skill id/);
    assert.match(
      errorOf({
        ...base,
        agents: [
          { username: 'a', vendorId: '1' },
          { username: 'a', vendorId: '2' },
        ],
      }),
      /user a is listed twice/,
    );
    assert.match(errorOf({ ...base, channels: [] }), /backend\.channels/);
    assert.match(errorOf({ ...base, kind: 'genesys' }), /backend\.username/);
    assert.match(
      errorOf({ ...base, kind: 'xivo', login: 'x', agentId: undefined, channels: [{ id: 1003, services: [{ code: 'CHAT', queue: 'Q' }] }] }),
      /numeric queue id/,
    );
  });
});
