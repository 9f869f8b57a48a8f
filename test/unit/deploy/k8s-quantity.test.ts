import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cpuQuantity, k8sName, memoryQuantity } from '../../../src/deploy/k8s-quantity.js';

const SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** Bytes a quantity stands for, read independently of the formatter. */
function bytesOf(q: string): number {
  const m = /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(q);
  assert.ok(m, `not a binary quantity: ${q}`);
  return Number(m[1]) * (m[2] === undefined ? 1 : (SUFFIX[m[2]] ?? NaN));
}

describe('Kubernetes quantities and names', () => {
  it('memory: exact, with the largest binary suffix that divides', () => {
    assert.equal(memoryQuantity(2 ** 30), '1Gi');
    assert.equal(memoryQuantity(3 * 2 ** 29), '1536Mi');
    assert.equal(memoryQuantity(1000), '1000');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 45 }), (n) => {
        const q = memoryQuantity(n);
        assert.equal(bytesOf(q), n);
        const suffix = /[KMGT]i$/.exec(q)?.[0];
        // No larger suffix would have divided exactly.
        const larger = Object.entries(SUFFIX).filter(([, v]) => v > (suffix === undefined ? 1 : (SUFFIX[suffix] ?? 0)));
        for (const [, v] of larger) assert.notEqual(n % v, 0);
      }),
    );
    assert.throws(() => memoryQuantity(0), RangeError);
    assert.throws(() => memoryQuantity(1.5), RangeError);
  });

  it('cpu: whole cores as integers, fractions as millicores rounded up', () => {
    assert.equal(cpuQuantity(2), '2');
    assert.equal(cpuQuantity(0.25), '250m');
    assert.equal(cpuQuantity(1.5), '1500m');
    assert.equal(cpuQuantity(0.0001), '1m');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64_000 }), (milli) => {
        const q = cpuQuantity(milli / 1000);
        const back = q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
        assert.equal(back, milli);
      }),
    );
    assert.throws(() => cpuQuantity(0), RangeError);
  });

  it('names: DNS-1123 labels within the length limit', () => {
    assert.equal(k8sName('Fraud_Scorer.v2'), 'fraud-scorer-v2');
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }).filter((s) => /[a-zA-Z0-9]/.test(s)), fc.integer({ min: 1, max: 63 }), (s, max) => {
        const n = k8sName(s, max);
        assert.match(n, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        assert.ok(n.length <= max);
      }),
    );
    assert.throws(() => k8sName('___'), RangeError);
  });
});
