import type { ServiceState } from '../../contract/index.js';
import { fail, ok, type Outcome } from '../../reasons/index.js';
import { storeGuard, type AgentChannelRecord, type SessionRecord, type Tx } from '../../store/index.js';
import {
  sessionSteps,
  sessionSummary,
  type AgentView,
  type OperatorSnapshot,
  type OperatorView,
  type ServiceView,
  type SessionHistory,
} from '../operator-view.js';
import type { EmbeddedEngine } from './engine.js';

/** The newest sessions the page lists. */
const LATEST = 20;
/** Agent events read for one session's history: far more than one session ever gets. */
const HISTORY_EVENTS = 500;

/** What the view reads of the engine: its public parts only, so the engine's own files stay as they are. */
type Engine = Pick<EmbeddedEngine, 'store' | 'roster' | 'serviceStates'>;

/** The queue's length: the place a session would take behind everything queued now. */
const queueLength = (tx: Tx, channelId: number, serviceCode: string) =>
  tx.queuePosition({ channelId, serviceCode, seq: Number.MAX_SAFE_INTEGER } as SessionRecord);

/**
 * The operator's view of the embedded contact center, read from the store (so it shows what every
 * process of a cluster did) and the roster: one store read for channels, queues, agents and the
 * newest sessions, plus the MCC service states as getServiceState computes them.
 */
export function embeddedOperatorView(engine: Engine): OperatorView {
  const { store, roster } = engine;
  return {
    snapshot: () =>
      storeGuard(async () => {
        const states = new Map<number, Outcome<Record<string, ServiceState>>>();
        for (const c of roster.channels)
          states.set(
            c.id,
            await engine.serviceStates(
              c.id,
              c.services.map((s) => s.code),
            ),
          );
        return store.read(async (tx): Promise<Outcome<OperatorSnapshot>> => {
          const channels = [];
          const services: ServiceView[] = [];
          const logins = new Map<string, AgentChannelRecord[]>();
          for (const c of roster.channels) {
            channels.push({ id: c.id, enabled: c.enabled, license: c.license, used: await tx.activeSessions(c.id) });
            const state = states.get(c.id);
            for (const s of c.services) {
              const [head] = await tx.queued(c.id, s.code, 1);
              services.push({
                channelId: c.id,
                code: s.code,
                name: s.name ?? s.code,
                queued: await queueLength(tx, c.id, s.code),
                ...(state?.ok && state.value[s.code] ? { state: state.value[s.code] } : {}),
                ...(head ? { oldestQueuedAt: head.createdAt } : {}),
              });
            }
            for (const row of await tx.channelAgents(c.id)) logins.set(row.username, [...(logins.get(row.username) ?? []), row]);
          }
          const agents: AgentView[] = [];
          for (const a of roster.agents) {
            if (!roster.isAgent(a.username)) continue;
            const rows = logins.get(a.username) ?? [];
            agents.push({
              username: a.username,
              displayName: roster.displayName(a),
              loggedIn: rows.length > 0,
              channels: rows.map((r) => ({
                channelId: r.channelId,
                ready: r.ready,
                load: r.load,
                capacity: roster.capacity(a.username, r.channelId),
                since: r.idleSince,
                ...(r.reason !== undefined ? { reason: r.reason } : {}),
              })),
              sessions: rows.length > 0 ? (await tx.heldBy(a.username)).map((s) => s.id) : [],
            });
          }
          const sessions = (await tx.latestSessions(LATEST)).map(sessionSummary);
          return ok({ backend: 'embedded', channels, services, agents, sessions, unavailable: [] });
        });
      }),
    history: (sessionId) =>
      storeGuard(() =>
        store.read(async (tx): Promise<Outcome<SessionHistory>> => {
          const s = await tx.getSession(sessionId);
          if (!s) return fail('UNKNOWN_INTERACTION', `no session ${sessionId}`);
          const events = await tx.sessionEvents(sessionId, HISTORY_EVENTS);
          return ok({
            session: { ...sessionSummary(s), ...(s.status === 'QUEUED' ? { queuePosition: await tx.queuePosition(s) } : {}) },
            steps: sessionSteps(s, events),
            notes: s.status === 'NEW' ? [] : ['when the session entered its queue is not recorded (sessionAccept keeps no time)'],
          });
        }),
      ),
  };
}
