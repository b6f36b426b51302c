import { inProgress } from '../../backends/backend.js';
import type { AgentDesk, ServiceEntry } from '../../backends/agent-desk.js';
import { ok, type Outcome } from '../../reasons/index.js';
import { command, none, type XucCommand } from './command.js';
import type { XucSession } from './cti.js';

/**
 * Queue statistics (xivo.md §5): `subscribeToQueueStats` → QueueStatistics `{queueId, counters:
 * [{statName, value}]}`, then the counters that changed; `getQueueStatistics` → GetQueueStatistics.
 * The counter names are those xucmgt's XucQueue and the dashboards read (WaitingCalls,
 * LongestWaitTime, EWT, AvailableAgents, TalkingAgents, LoggedAgents); waits in seconds. Only
 * what the desk knows now: the totals since midnight (TotalNumberCalls*) need a history the desk
 * does not keep, and are not sent.
 */

export type Counters = Array<{ statName: string; value: number }>;

/** How often the counters are read for subscribers; the desk has no queue events to push them. */
const INTERVAL_MS = 1000;

/** Every queue's counters, read once for all subscribers. */
async function readCounters(engine: AgentDesk, queues: readonly ServiceEntry[], now: number): Promise<Outcome<Map<number, Counters>>> {
  const [open, members] = await Promise.all([engine.openInteractions(Number.MAX_SAFE_INTEGER), engine.queueMembership()]);
  if (!open.ok) return open;
  if (!members.ok) return members;
  const usernames = [...new Set(members.value.map((m) => m.username))];
  const states = new Map<string, Awaited<ReturnType<AgentDesk['agentState']>>>();
  for (const u of usernames) states.set(u, await engine.agentState(u));
  const talking = new Set(open.value.filter(inProgress).flatMap((i) => (i.agent ? [`${i.agent.username}/${i.channelId}`] : [])));
  const out = new Map<number, Counters>();
  for (const q of queues) {
    const waiting = open.value.filter((i) => i.status === 'QUEUED' && i.channelId === q.channelId && i.serviceCode === q.code);
    const on = members.value
      .filter((m) => m.serviceCode === q.code && m.penalty >= 0)
      .flatMap((m) => {
        const st = states.get(m.username);
        const c = st?.ok && st.value.loggedIn ? st.value.channels.find((x) => x.channelId === q.channelId) : undefined;
        return c ? [{ username: m.username, c }] : [];
      });
    const oldest = Math.min(now, ...waiting.map((i) => i.createdAt));
    out.set(q.queueId, [
      { statName: 'WaitingCalls', value: waiting.length },
      { statName: 'LongestWaitTime', value: Math.round((now - oldest) / 1000) },
      { statName: 'EWT', value: Math.max(0, ...waiting.map((i) => i.expectedWaitSeconds ?? 0)) },
      { statName: 'LoggedAgents', value: on.length },
      { statName: 'AvailableAgents', value: on.filter(({ c }) => c.ready && c.load < c.capacity).length },
      { statName: 'TalkingAgents', value: on.filter(({ username }) => talking.has(`${username}/${q.channelId}`)).length },
    ]);
  }
  return ok(out);
}

/** The face's subscribers to queue statistics: one read per interval, each sent what it sees and what changed. */
export class QueueStatsFeed {
  private readonly subscribers = new Set<XucSession>();
  private timer: NodeJS.Timeout | undefined;
  private reading = false;

  constructor(
    private readonly engine: AgentDesk,
    private readonly queues: () => readonly ServiceEntry[],
  ) {}

  async subscribe(s: XucSession): Promise<Outcome<unknown>> {
    this.subscribers.add(s);
    this.timer ??= setInterval(() => void this.tick(), INTERVAL_MS).unref();
    const counters = await readCounters(this.engine, this.queues(), Date.now());
    if (!counters.ok) return counters;
    this.send(s, counters.value, true);
    return ok(undefined);
  }

  unsubscribe(s: XucSession): void {
    this.subscribers.delete(s);
    if (this.subscribers.size === 0) this.close();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The counters of one queue now (getQueueStatistics). */
  async of(q: ServiceEntry): Promise<Outcome<Counters>> {
    const counters = await readCounters(this.engine, [q], Date.now());
    return counters.ok ? ok(counters.value.get(q.queueId) ?? []) : counters;
  }

  private async tick(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const counters = await readCounters(this.engine, this.queues(), Date.now());
      if (counters.ok) for (const s of this.subscribers) this.send(s, counters.value, false);
    } finally {
      this.reading = false;
    }
  }

  /** Per visible queue, the counters that differ from those last sent to this session (all of them at first). */
  private send(s: XucSession, all: Map<number, Counters>, full: boolean): void {
    const rights = s.rights;
    for (const q of this.queues()) {
      if (!rights.queue(q)) continue;
      const last = s.queueCounters.get(q.queueId) ?? new Map<string, number>();
      const changed = (all.get(q.queueId) ?? []).filter((c) => full || last.get(c.statName) !== c.value);
      for (const c of changed) last.set(c.statName, c.value);
      s.queueCounters.set(q.queueId, last);
      if (changed.length > 0) s.send('QueueStatistics', { queueId: q.queueId, counters: changed });
    }
  }
}

export const QUEUE_STAT_COMMANDS: Record<string, XucCommand> = {
  subscribeToQueueStats: command('Error', none, (s) => s.face.queueStats.subscribe(s)),
  // Cti.getQueueStatistics(queueId, window, xqos): the reply's msgType is GetQueueStatistics
  // (Cti.MessageType.GETQUEUESTATISTICS); window and xqos are echoed, the counters are those of now.
  getQueueStatistics: command(
    'Error',
    (s, f) => {
      const q = s.queueOf(f);
      return q.ok ? ok({ q: q.value, window: f.window ?? null, xqos: f.xqos ?? null }) : q;
    },
    async (s, { q, window, xqos }) => {
      const counters = await s.face.queueStats.of(q);
      if (!counters.ok) return counters;
      s.send('GetQueueStatistics', { queueId: q.queueId, window, xqos, counters: counters.value });
      return ok(undefined);
    },
  ),
};
