/**
 * The queue order of every service, in memory: per (channel, service) the `seq` of its QUEUED
 * sessions, sorted. A session's place is a binary search (O(log n)), not a count of the rows
 * before it, so a poll at position 50,000 costs what one at position 1 does.
 *
 * Only a store that is the sole writer of its data may keep one (SQLite, locked EXCLUSIVE): it
 * sees every change. Changes are applied as a transaction makes them and undone when it rolls
 * back (`mark` / `undo`), so the transaction itself reads its own changes and nobody else ever
 * sees them before the commit (reads take turns with transactions).
 */
interface Place {
  readonly queue: string;
  readonly seq: number;
}

export interface QueuedRow {
  id: string;
  channelId: number;
  serviceCode: string;
  status: string;
  seq: number;
}

const queueKey = (channelId: number, serviceCode: string) => `${channelId}\u0000${serviceCode}`;

/** First index whose value is greater than `seq` (so: how many are ≤ seq). */
function upperBound(list: readonly number[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class QueueIndex {
  private readonly queues = new Map<string, number[]>();
  private readonly places = new Map<string, Place>();
  /** What to restore, newest last: [session id, its place before the change]. */
  private readonly undoLog: Array<[string, Place | undefined]> = [];

  /** Fill from the stored QUEUED sessions (at the first use). */
  constructor(rows: Iterable<QueuedRow>) {
    for (const r of rows) this.put(r.id, { queue: queueKey(r.channelId, r.serviceCode), seq: r.seq });
  }

  /** 1-based place among the QUEUED sessions of its service (0 if it is not queued). */
  position(channelId: number, serviceCode: string, seq: number): number {
    const list = this.queues.get(queueKey(channelId, serviceCode));
    return list ? upperBound(list, seq) : 0;
  }

  /** How many sessions wait on a service. */
  length(channelId: number, serviceCode: string): number {
    return this.queues.get(queueKey(channelId, serviceCode))?.length ?? 0;
  }

  /** A session was written: it is in its service's queue exactly when it is QUEUED. */
  record(r: QueuedRow): void {
    const before = this.places.get(r.id);
    const after = r.status === 'QUEUED' ? { queue: queueKey(r.channelId, r.serviceCode), seq: r.seq } : undefined;
    if (before?.queue === after?.queue && before?.seq === after?.seq) return;
    this.undoLog.push([r.id, before]);
    this.put(r.id, after);
  }

  /** Where the undo log stands: a transaction begins. */
  mark(): number {
    return this.undoLog.length;
  }

  /** Take back every change since `mark` (its transaction rolled back). */
  undo(mark: number): void {
    while (this.undoLog.length > mark) {
      const [id, place] = this.undoLog.pop() as [string, Place | undefined];
      this.put(id, place);
    }
  }

  /** The batch committed: its changes stay. */
  keep(): void {
    this.undoLog.length = 0;
  }

  private put(id: string, place: Place | undefined): void {
    const old = this.places.get(id);
    if (old) {
      const list = this.queues.get(old.queue) as number[];
      // Seqs are unique per queue (one counter hands them out): the one just below the bound is this one.
      list.splice(upperBound(list, old.seq) - 1, 1);
      if (list.length === 0) this.queues.delete(old.queue);
      this.places.delete(id);
    }
    if (!place) return;
    let list = this.queues.get(place.queue);
    if (!list) this.queues.set(place.queue, (list = []));
    const at = upperBound(list, place.seq);
    if (at === list.length) list.push(place.seq);
    else list.splice(at, 0, place.seq);
    this.places.set(id, place);
  }
}
