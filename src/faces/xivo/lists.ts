import { ok, type Outcome } from '../../reasons/index.js';
import type { XucSession } from './cti.js';
import { agentEntry, queueEntry } from './wire.js';

/** getList's object types (xivo.md §4): each answers its list, filtered by what the user sees. */
export const XUC_LISTS: ReadonlyMap<string, (s: XucSession) => Promise<Outcome<unknown>>> = new Map([
  ['agent', agentList],
  ['agentgroup', agentGroupList],
  ['queue', queueList],
  ['queuemember', queueMemberList],
  ['basequeuemember', queueMemberList],
]);

const visibleQueues = (s: XucSession) => {
  const rights = s.rights;
  return s.face.directory.services.filter((q) => rights.queue(q));
};

async function agentList(s: XucSession): Promise<Outcome<unknown>> {
  s.send(
    'AgentList',
    s.visibleAgents().map((a) => agentEntry(a, s.face.directory, s.groups)),
  );
  return ok(undefined);
}

async function agentGroupList(s: XucSession): Promise<Outcome<unknown>> {
  const seen = new Set(s.visibleAgents().map((a) => a.group));
  s.send(
    'AgentGroupList',
    [...s.groups].filter(([name]) => seen.has(name)).map(([name, id]) => ({ id, name })),
  );
  return ok(undefined);
}

async function queueList(s: XucSession): Promise<Outcome<unknown>> {
  s.send(
    'QueueList',
    visibleQueues(s).map((q) => queueEntry(q, s.face.directory)),
  );
  return ok(undefined);
}

async function queueMemberList(s: XucSession): Promise<Outcome<unknown>> {
  const { engine, directory: dir } = s.face;
  const rights = s.rights;
  const m = await engine.queueMembership();
  if (!m.ok) return m;
  const members = [];
  for (const x of m.value) {
    const a = dir.user(x.username);
    if (!a || a.agentId === undefined) continue;
    for (const q of dir.services)
      if (q.code === x.serviceCode && rights.member(a, q)) members.push({ agentId: a.agentId, queueId: q.queueId, penalty: x.penalty });
  }
  s.send('QueueMemberList', members);
  return ok(undefined);
}
