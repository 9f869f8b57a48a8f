import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PartitionRouter, javaStringHash } from '../../../src/client/message-router.js';

describe('PartitionRouter', () => {
  it('hashes like Java String.hashCode masked to a non-negative int', () => {
    // Values of "abc".hashCode() and "card-1".hashCode() (= -1367606092) from the JVM.
    assert.equal(javaStringHash('abc'), 96354);
    assert.equal(javaStringHash('card-1'), -1367606092 & 0x7fffffff);
    assert.equal(javaStringHash(''), 0);
  });
  it('keyed routing is stable and in range', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), (key, n) => {
        const r = new PartitionRouter(n);
        const p = r.choose(key === '' ? 'k' : key);
        return p >= 0 && p < n && p === new PartitionRouter(n).choose(key === '' ? 'k' : key);
      }),
    );
  });
  it('keyless messages rotate per message, or per time window with batching', () => {
    const r = new PartitionRouter(3, 0, 0);
    assert.deepEqual([r.choose(undefined), r.choose(undefined), r.choose(undefined), r.choose(undefined)], [0, 1, 2, 0]);
    let now = 1000;
    const t = new PartitionRouter(3, 10, 0, () => now);
    const a = t.choose(undefined);
    assert.equal(t.choose(undefined), a);
    now += 10;
    assert.equal(t.choose(undefined), (a + 1) % 3);
  });
});
