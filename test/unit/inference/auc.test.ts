import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rocAuc } from '../../../src/inference/auc.js';

/** The definition, pair by pair. */
function pairwise(scores: number[], labels: boolean[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (!labels[i]) return;
    scores.forEach((sn, j) => {
      if (labels[j]) return;
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for an inverted one and 0.5 when all scores tie', () => {
    assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true]), 1);
    assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
    assert.equal(rocAuc([0.5, 0.5, 0.5], [true, false, false]), 0.5);
  });

  it('equals the pairwise definition, ties included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.boolean()), { minLength: 2, maxLength: 60 }).filter((a) => a.some((x) => x[1]) && a.some((x) => !x[1])),
        (rows) => {
          const scores = rows.map((r) => r[0] / 10);
          const labels = rows.map((r) => r[1]);
          assert.ok(Math.abs(rocAuc(scores, labels) - pairwise(scores, labels)) < 1e-12);
        },
      ),
    );
  });

  it('refuses a single-class sample', () => {
    assert.throws(() => rocAuc([0.1, 0.2], [true, true]), RangeError);
  });
});
