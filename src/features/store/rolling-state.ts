/**
 * The in-stream feature state of one key: its recent events (event time, id, aggregated field values),
 * sorted by (time, id), and the rolling aggregates they give.
 *
 * Features of an event (t, id) are defined over the key's events e with (t_e, id_e) <= (t, id) and
 * t_e > t - window: the event itself counts, later events never do. So a value depends only on which
 * events of the key exist up to it, not on delivery order, and applying an event twice (a redelivery)
 * changes nothing: the (time, id) pair is already there.
 */
import type { StreamFeatureSpec } from './enrichment-spec.js';

/** Serialised form kept in Redis (compact JSON). */
interface Encoded {
  /** Event times (epoch ms), ascending. */
  t: number[];
  i: string[];
  /** One column per aggregated field, aligned with t; null for an absent or non-numeric value. */
  x: (number | null)[][];
}

function compare(t1: number, id1: string, t2: number, id2: string): number {
  if (t1 !== t2) return t1 - t2;
  return id1 < id2 ? -1 : id1 > id2 ? 1 : 0;
}

export class RollingState {
  private readonly times: number[];
  private readonly ids: string[];
  private readonly columns: (number | null)[][];

  private constructor(times: number[], ids: string[], columns: (number | null)[][]) {
    this.times = times;
    this.ids = ids;
    this.columns = columns;
  }

  static empty(fieldCount: number): RollingState {
    return new RollingState([], [], Array.from({ length: fieldCount }, () => []));
  }

  /** Decodes a stored state; a missing or unreadable one (other field list) starts empty. */
  static decode(json: string | null, fieldCount: number): RollingState {
    if (json === null) return RollingState.empty(fieldCount);
    try {
      const e = JSON.parse(json) as Encoded;
      const ok = Array.isArray(e.t) && Array.isArray(e.i) && Array.isArray(e.x) && e.i.length === e.t.length && e.x.length === fieldCount && e.x.every((c) => Array.isArray(c) && c.length === e.t.length);
      return ok ? new RollingState(e.t, e.i, e.x) : RollingState.empty(fieldCount);
    } catch {
      return RollingState.empty(fieldCount);
    }
  }

  encode(): string {
    const e: Encoded = { t: this.times, i: this.ids, x: this.columns };
    return JSON.stringify(e);
  }

  get size(): number {
    return this.times.length;
  }

  /** Index of the first entry >= (t, id). */
  private lowerBound(t: number, id: string): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.times[mid] ?? 0, this.ids[mid] ?? '', t, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first entry with time > t. */
  private firstAfter(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] ?? 0) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds an event unless (t, id) is already there; returns whether it was new. */
  apply(t: number, id: string, values: readonly (number | null)[]): boolean {
    const at = this.lowerBound(t, id);
    if (at < this.times.length && this.times[at] === t && this.ids[at] === id) return false;
    this.times.splice(at, 0, t);
    this.ids.splice(at, 0, id);
    this.columns.forEach((c, k) => c.splice(at, 0, values[k] ?? null));
    return true;
  }

  /**
   * The features of event (t, id), which must have been applied. `fieldIndex` maps a feature's field to
   * its column.
   */
  compute(t: number, id: string, features: readonly StreamFeatureSpec[], fieldIndex: ReadonlyMap<string, number>): Record<string, number | null> {
    const end = this.lowerBound(t, id) + 1; // entries [.., end) are <= (t, id)
    const out: Record<string, number | null> = {};
    for (const f of features) {
      if (f.agg === 'timeSincePrevious') {
        const prev = end - 2;
        out[f.as] = prev >= 0 ? (t - (this.times[prev] ?? t)) / f.unitMs : (f.default ?? null);
        continue;
      }
      const start = this.firstAfter(t - f.windowMs);
      if (f.agg === 'count') {
        out[f.as] = Math.max(0, end - start);
        continue;
      }
      const col = this.columns[fieldIndex.get(f.field ?? '') ?? -1] ?? [];
      let n = 0;
      let sum = 0;
      let max = -Infinity;
      let min = Infinity;
      for (let j = start; j < end; j++) {
        const v = col[j];
        if (v === null || v === undefined) continue;
        n++;
        sum += v;
        if (v > max) max = v;
        if (v < min) min = v;
      }
      if (f.agg === 'sum') out[f.as] = sum;
      else if (n === 0) out[f.as] = f.default ?? null;
      else out[f.as] = f.agg === 'mean' ? sum / n : f.agg === 'max' ? max : min;
    }
    return out;
  }

  /**
   * Drops what no later event can need: entries at or before (newest - horizon), keeping the newest
   * one for timeSincePrevious, and the oldest beyond `maxEvents`.
   */
  evict(horizonMs: number, maxEvents: number): void {
    const n = this.times.length;
    if (n === 0) return;
    const newest = this.times[n - 1] ?? 0;
    const cut = Math.min(this.firstAfter(newest - horizonMs), n - 1);
    const drop = Math.max(cut, n - maxEvents);
    if (drop <= 0) return;
    this.times.splice(0, drop);
    this.ids.splice(0, drop);
    for (const c of this.columns) c.splice(0, drop);
  }
}
