import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RollingState } from '../../../../src/features/store/rolling-state.js';
import type { StreamFeatureSpec } from '../../../../src/features/store/enrichment-spec.js';

const FEATURES: StreamFeatureSpec[] = [
  { as: 'n1m', agg: 'count', field: undefined, windowMs: 60_000, default: undefined, unitMs: 1 },
  { as: 'n1h', agg: 'count', field: undefined, windowMs: 3_600_000, default: undefined, unitMs: 1 },
  { as: 'sum1h', agg: 'sum', field: 'amount', windowMs: 3_600_000, default: undefined, unitMs: 1 },
  { as: 'mean1h', agg: 'mean', field: 'amount', windowMs: 3_600_000, default: -1, unitMs: 1 },
  { as: 'max1m', agg: 'max', field: 'amount', windowMs: 60_000, default: -1, unitMs: 1 },
  { as: 'min1m', agg: 'min', field: 'amount', windowMs: 60_000, default: -1, unitMs: 1 },
  { as: 'gap', agg: 'timeSincePrevious', field: undefined, windowMs: 0, default: -1, unitMs: 1000 },
];
const FIELDS = new Map([['amount', 0]]);

interface Ev { t: number; id: string; amount: number | null }

/** Straight from the definition: events e with (t_e, id_e) <= (t, id) and t_e > t - window. */
function bruteForce(all: readonly Ev[], e: Ev): Record<string, number | null> {
  const le = (a: Ev): boolean => a.t < e.t || (a.t === e.t && a.id <= e.id);
  const seen = all.filter(le);
  const out: Record<string, number | null> = {};
  for (const f of FEATURES) {
    if (f.agg === 'timeSincePrevious') {
      const prev = seen.filter((a) => a.id !== e.id || a.t !== e.t).sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1)).pop();
      out[f.as] = prev === undefined ? (f.default ?? null) : (e.t - prev.t) / f.unitMs;
      continue;
    }
    const w = seen.filter((a) => a.t > e.t - f.windowMs);
    const vals = w.map((a) => a.amount).filter((v): v is number => v !== null);
    if (f.agg === 'count') out[f.as] = w.length;
    else if (f.agg === 'sum') out[f.as] = vals.reduce((s, v) => s + v, 0);
    else if (vals.length === 0) out[f.as] = f.default ?? null;
    else if (f.agg === 'mean') out[f.as] = vals.reduce((s, v) => s + v, 0) / vals.length;
    else out[f.as] = f.agg === 'max' ? Math.max(...vals) : Math.min(...vals);
  }
  return out;
}

function close(a: Record<string, number | null>, b: Record<string, number | null>): void {
  for (const k of Object.keys(b)) {
    const x = a[k];
    const y = b[k];
    if (typeof x === 'number' && typeof y === 'number') assert.ok(Math.abs(x - y) < 1e-6 * Math.max(1, Math.abs(y)), `${k}: ${x} != ${y}`);
    else assert.equal(x, y, k);
  }
}

// Events of one key in time order with gaps from milliseconds to hours, some amounts missing.
const events = fc
  .array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 0, max: 5_000_000 })), fc.option(fc.double({ min: 0, max: 5000, noNaN: true }), { nil: null })), { minLength: 1, maxLength: 60 })
  .map((xs) => {
    let t = 1_700_000_000_000;
    return xs.map(([gap, amount], i): Ev => ({ t: (t += gap), id: `tx${String(i).padStart(3, '0')}`, amount }));
  });

describe('RollingState', () => {
  it('computes each event\'s features as the brute-force definition does, through eviction and encode/decode', () => {
    fc.assert(
      fc.property(events, fc.integer({ min: 1, max: 7 }), (evs, every) => {
        let state = RollingState.empty(1);
        evs.forEach((e, i) => {
          assert.equal(state.apply(e.t, e.id, [e.amount]), true);
          close(state.compute(e.t, e.id, FEATURES, FIELDS), bruteForce(evs.slice(0, i + 1), e));
          // A batch boundary: evict and persist, as the enricher does.
          if (i % every === 0) {
            state.evict(3_600_000, 10_000);
            state = RollingState.decode(state.encode(), 1);
          }
        });
      }),
    );
  });

  it('applies a redelivered event once and gives it the same features again', () => {
    fc.assert(
      fc.property(events, fc.nat(), (evs, pick) => {
        const state = RollingState.empty(1);
        for (const e of evs) state.apply(e.t, e.id, [e.amount]);
        const e = evs[pick % evs.length] as Ev;
        const before = state.compute(e.t, e.id, FEATURES, FIELDS);
        assert.equal(state.apply(e.t, e.id, [e.amount]), false);
        assert.equal(state.size, evs.length);
        assert.deepEqual(state.compute(e.t, e.id, FEATURES, FIELDS), before);
        close(before, bruteForce(evs, e));
      }),
    );
  });

  it('keeps at most maxEvents, and always the newest event for timeSincePrevious', () => {
    const s = RollingState.empty(1);
    for (let i = 0; i < 10; i++) s.apply(i * 1000, `e${i}`, [i]);
    s.evict(3_600_000, 4);
    assert.equal(s.size, 4);
    s.evict(1, 100);
    assert.equal(s.size, 1);
    s.apply(20_000, 'late', [1]);
    assert.equal(s.compute(20_000, 'late', FEATURES, FIELDS).gap, (20_000 - 9000) / 1000);
  });

  it('starts empty from a missing or unreadable stored state', () => {
    assert.equal(RollingState.decode(null, 1).size, 0);
    assert.equal(RollingState.decode('{not json', 1).size, 0);
    assert.equal(RollingState.decode(JSON.stringify({ t: [1], i: ['a'], x: [[1], [2]] }), 1).size, 0, 'other field count');
  });
});
