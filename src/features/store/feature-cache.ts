/**
 * In-process cache of looked-up entities. An entry lives at most `ttlMs` and never past the moment its
 * oldest value turns stale, so the cache cannot make a fresh-enough value in the store look stale, nor
 * serve a value beyond its freshness limit. Bounded: the oldest entries go first.
 */

export interface CachedEntity {
  /** HMGET reply: values and timestamps as read. */
  readonly fields: readonly (string | null)[];
  readonly expiresAt: number;
}

export class FeatureCache {
  private readonly entries = new Map<string, CachedEntity>();
  private readonly maxEntries: number;

  constructor(maxEntries = 100_000) {
    this.maxEntries = maxEntries;
  }

  get(key: string, now: number): readonly (string | null)[] | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.fields;
  }

  set(key: string, fields: readonly (string | null)[], expiresAt: number): void {
    this.entries.delete(key);
    this.entries.set(key, { fields, expiresAt });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
