import type { InteractionStatus } from '../contract/index.js';
import { customMessage } from '../bridge/messages.js';
import { interactionOf } from '../backends/interaction-view.js';
import type { SessionRecord, SessionStatusChange, Store, Tx } from '../store/index.js';
import type { ChangeFeed } from './feed.js';

export interface RecordingOptions {
  feed: ChangeFeed;
  now: () => number;
  /** The name checkSession's customMessage gives an agent. */
  displayName: (username: string) => string;
}

/**
 * The one place where session changes become pushed changes: a store whose transactions record,
 * whenever a session is created or its status changes, a change row, in the same transaction
 * (the event streams and the webhooks read it from there). Whatever writes the session (the engine's
 * lifecycle, routing, timers; a vendor backend's event) goes through insertSession / updateSession,
 * so nothing needs to remember to push.
 *
 * The status before an update is the one this transaction read (every writer reads a session
 * before writing it); a session updated unread is read first.
 */
export function recordingChanges(store: Store, options: RecordingOptions): Store {
  return {
    kind: store.kind,
    migrate: (seed) => store.migrate(seed),
    read: (fn) => store.read(fn),
    // Reads record nothing: the read model's answers pass straight through.
    ...(store.peek ? { peek: store.peek.bind(store) } : {}),
    ping: () => store.ping(),
    close: () => store.close(),
    async tx(fn, txOptions) {
      let recorded = false;
      const result = await store.tx((tx) => fn(recordingTx(tx, options, () => (recorded = true))), txOptions);
      if (recorded) options.feed.wake(); // committed: streams and the dispatcher look now
      return result;
    },
  };
}

function recordingTx(tx: Tx, options: RecordingOptions, recorded: () => void): Tx {
  const statuses = new Map<string, InteractionStatus>();
  const seen = <T extends SessionRecord | undefined>(s: T): T => {
    if (s) statuses.set(s.id, s.status);
    return s;
  };
  const record = async (s: SessionRecord) => {
    statuses.set(s.id, s.status);
    const agent = s.agent === undefined ? undefined : { username: s.agent, displayName: options.displayName(s.agent) };
    const change: SessionStatusChange = {
      sessionId: s.id,
      channelId: s.channelId,
      serviceId: s.serviceCode,
      status: s.status,
      username: s.agent,
      customMessage: customMessage(interactionOf(s, agent)),
      at: options.now(),
    };
    await tx.changeLog().append(change);
    recorded();
  };
  const overrides: Partial<Tx> = {
    getSession: async (id) => seen(await tx.getSession(id)),
    sessionByVendorId: async (id) => seen(await tx.sessionByVendorId(id)),
    queued: async (channelId, code, limit) => (await tx.queued(channelId, code, limit)).map(seen),
    heldBy: async (username, channelId) => (await tx.heldBy(username, channelId)).map(seen),
    expiredOffers: async (now, limit) => (await tx.expiredOffers(now, limit)).map(seen),
    openSessions: async (limit) => (await tx.openSessions(limit)).map(seen),
    async insertSession(s) {
      const inserted = await tx.insertSession(s);
      if (inserted) await record(s);
      return inserted;
    },
    async updateSession(s) {
      const before = statuses.has(s.id) ? statuses.get(s.id) : (await tx.getSession(s.id))?.status;
      await tx.updateSession(s);
      if (before !== s.status) await record(s);
    },
    // The change feed is purged with the closed sessions it describes.
    async purgeClosed(before) {
      const purged = await tx.purgeClosed(before);
      await tx.changeLog().purge(before);
      return purged;
    },
  };
  // Everything else is the store's own transaction: inherited, so its methods run on its own
  // fields (no Tx method assigns to `this`), without a proxy trap and a bound copy per call.
  return Object.assign(Object.create(tx) as Tx, overrides);
}
