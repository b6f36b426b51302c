import type { VendorBackendConfig } from '../../config/index.js';
import { fail, ok } from '../../reasons/index.js';
import { storeGuard, type Store } from '../../store/index.js';
import { sessionSteps, sessionSummary, type OperatorView } from '../operator-view.js';

/** The newest sessions the page lists. */
const LATEST = 20;

/**
 * The operator's view of a vendor backend: what the bridge itself holds — the channel and service
 * mapping of its configuration and the sessions it started, with the statuses it follows — and,
 * said on the page, what only the vendor knows.
 */
export function vendorOperatorView(config: VendorBackendConfig, store: Store): OperatorView {
  const unavailable = [
    `Agents, their states and queue lengths live on ${config.kind}: see its own supervisor console.`,
    'Service states are asked of the vendor by getServiceState only (not twice a second from this page); licenses are counted by the vendor.',
    'A session history shows what the bridge recorded (created, assigned, closed), not the vendor’s routing steps.',
  ];
  return {
    snapshot: () =>
      storeGuard(() =>
        store.read(async (tx) =>
          ok({
            backend: config.kind,
            channels: config.channels.map((c) => ({ id: c.id, enabled: c.enabled })),
            services: config.channels.flatMap((c) => c.services.map((s) => ({ channelId: c.id, code: s.code, name: s.code, vendorQueue: s.queue }))),
            agents: [],
            sessions: (await tx.latestSessions(LATEST)).map(sessionSummary),
            unavailable,
          }),
        ),
      ),
    history: (sessionId) =>
      storeGuard(() =>
        store.read(async (tx) => {
          const s = await tx.getSession(sessionId);
          if (!s) return fail('UNKNOWN_INTERACTION', `no session ${sessionId}`);
          return ok({ session: sessionSummary(s), steps: sessionSteps(s, []), notes: [unavailable[2] as string] });
        }),
      ),
  };
}
