/**
 * The last `length` records of each key, for `mode: key` functions: a key's row is its recent history plus
 * the events that just arrived, so a session model sees the last N clicks even when they come one by one.
 * Bounded: at most `maxKeys` keys are kept, the least recently used dropped first. In memory only: after a
 * restart, or when Key_Shared moves a key to another worker, its history starts again from that point.
 */
export class KeyHistory {
  private readonly length: number;
  private readonly maxKeys: number;
  private readonly windows = new Map<string, unknown[]>();

  constructor(length: number, maxKeys = 100_000) {
    if (!(length >= 1)) throw new RangeError(`history length must be >= 1, got ${length}`);
    this.length = length;
    this.maxKeys = maxKeys;
  }

  get size(): number {
    return this.windows.size;
  }

  /** History (oldest first) followed by `fresh`, cut to the last `length` records. Does not record. */
  window(key: string, fresh: readonly unknown[]): unknown[] {
    const past = this.windows.get(key) ?? [];
    const all = past.length === 0 ? [...fresh] : [...past, ...fresh];
    return all.length > this.length ? all.slice(all.length - this.length) : all;
  }

  /** Remembers the window after it was scored (call in key order). */
  record(key: string, window: readonly unknown[]): void {
    this.windows.delete(key); // re-insert: Map order is the LRU order
    this.windows.set(key, window.slice(Math.max(0, window.length - this.length)));
    if (this.windows.size > this.maxKeys) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
  }
}
