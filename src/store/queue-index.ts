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

/**
 * One service's queue: the seqs sorted in `items[start…]`. The head leaves most (routing takes it)
 * and sometimes comes back (sent to the head): both move `start`, not the array (a 50,000-long
 * array is a large object, which V8 cannot trim from the front: shift() would copy it).
 */
interface Queue {
  items: number[];
  start: number;
}

/** First index (from `start`) whose value is greater than `seq`. */
function upperBound(list: readonly number[], seq: number, start: number): number {
  let lo = start;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class QueueIndex {
  private readonly queues = new Map<string, Queue>();
  private readonly places = new Map<string, Place>();
  /** What to restore, newest last: [session id, its place before the change]. */
  private readonly undoLog: Array<[string, Place | undefined]> = [];

  /** Fill from the stored QUEUED sessions (at the first use). */
  constructor(rows: Iterable<QueuedRow>) {
    for (const r of rows) this.put(r.id, { queue: queueKey(r.channelId, r.serviceCode), seq: r.seq });
  }

  /** 1-based place among the QUEUED sessions of its service (0 if it is not queued). */
  position(channelId: number, serviceCode: string, seq: number): number {
    const q = this.queues.get(queueKey(channelId, serviceCode));
    return q ? upperBound(q.items, seq, q.start) - q.start : 0;
  }

  /** How many sessions wait on a service. */
  length(channelId: number, serviceCode: string): number {
    const q = this.queues.get(queueKey(channelId, serviceCode));
    return q ? q.items.length - q.start : 0;
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
      const q = this.queues.get(old.queue) as Queue;
      // Seqs are unique per queue (one counter hands them out): the one just below the bound is this one.
      const at = upperBound(q.items, old.seq, q.start) - 1;
      if (at === q.start) q.start++;
      else q.items.splice(at, 1);
      if (q.start === q.items.length) this.queues.delete(old.queue);
      else if (q.start > 1024 && q.start * 2 > q.items.length) {
        // Mostly spent: copy what is left, once (amortised O(1) per session that left).
        q.items = q.items.slice(q.start);
        q.start = 0;
      }
      this.places.delete(id);
    }
    if (!place) return;
    let q = this.queues.get(place.queue);
    if (!q) this.queues.set(place.queue, (q = { items: [], start: 0 }));
    const at = upperBound(q.items, place.seq, q.start);
    if (at === q.items.length) q.items.push(place.seq);
    else if (at === q.start && q.start > 0) q.items[--q.start] = place.seq;
    else q.items.splice(at, 0, place.seq);
    this.places.set(id, place);
  }
}
