import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Prng, WeightedPicker } from '../../../src/generator/prng.js';
import { ZipfSampler } from '../../../src/generator/zipf-sampler.js';

describe('Prng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const sa = Array.from({ length: 100 }, () => a.u32());
    assert.deepEqual(sa, Array.from({ length: 100 }, () => b.u32()));
    assert.notDeepEqual(sa, Array.from({ length: 100 }, () => c.u32()));
  });

  it('produces uniform [0,1) values and standard normals with the right moments', () => {
    const r = new Prng(9);
    const n = 200_000;
    let sum = 0;
    let min = 1;
    let max = 0;
    let nSum = 0;
    let nSq = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
      const z = r.normal();
      nSum += z;
      nSq += z * z;
    }
    assert.ok(min >= 0 && max < 1);
    assert.ok(Math.abs(sum / n - 0.5) < 0.005);
    assert.ok(Math.abs(nSum / n) < 0.01);
    assert.ok(Math.abs(nSq / n - 1) < 0.02);
  });

  it('WeightedPicker follows its weights', () => {
    const p = new WeightedPicker([['a', 1], ['b', 3]]);
    const r = new Prng(1);
    let b = 0;
    for (let i = 0; i < 40_000; i++) if (p.pick(r) === 'b') b++;
    assert.ok(Math.abs(b / 40_000 - 0.75) < 0.01);
  });
});

describe('ZipfSampler', () => {
  for (const s of [0.8, 1.0, 1.3]) {
    it(`matches the exact Zipf(n=20, s=${s}) probabilities`, () => {
      const n = 20;
      const z = new ZipfSampler(n, s);
      const r = new Prng(5);
      const counts = new Array<number>(n + 1).fill(0);
      const draws = 200_000;
      for (let i = 0; i < draws; i++) {
        const k = z.sample(r);
        assert.ok(k >= 1 && k <= n);
        counts[k]!++;
      }
      let norm = 0;
      for (let k = 1; k <= n; k++) norm += k ** -s;
      for (let k = 1; k <= n; k++) {
        const p = k ** -s / norm;
        const sd = Math.sqrt((p * (1 - p)) / draws);
        assert.ok(Math.abs(counts[k]! / draws - p) < 5 * sd, `rank ${k}: ${counts[k]! / draws} vs ${p}`);
      }
    });
  }

  it('handles a million keys without a table', () => {
    const z = new ZipfSampler(1_000_000, 1.1);
    const r = new Prng(3);
    for (let i = 0; i < 10_000; i++) {
      const k = z.sample(r);
      assert.ok(k >= 1 && k <= 1_000_000);
    }
  });
});
