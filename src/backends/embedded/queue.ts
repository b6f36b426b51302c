/**
 * A service queue: entries kept sorted by their sequence number, so an offer that comes back
 * (rejected, timed out) returns to its original place and a session whose agent logged out goes
 * to the head (it gets a sequence number below every other). Binary search keeps position lookups
 * O(log n) with 100k queued sessions.
 */
export interface Queued {
  readonly id: string;
  seq: number;
}

export class SeqQueue<T extends Queued> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Index where an entry with `seq` is, or would go. */
  private indexOf(seq: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.items[mid] as T).seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(item: T): void {
    const i = this.indexOf(item.seq);
    if (i === this.items.length) this.items.push(item);
    else this.items.splice(i, 0, item);
  }

  remove(item: T): boolean {
    const i = this.indexOf(item.seq);
    if (this.items[i]?.id !== item.id) return false;
    this.items.splice(i, 1);
    return true;
  }

  /** 1-based position, or undefined when not queued here. */
  position(item: T): number | undefined {
    const i = this.indexOf(item.seq);
    return this.items[i]?.id === item.id ? i + 1 : undefined;
  }

  head(): T | undefined {
    return this.items[0];
  }

  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }
}
