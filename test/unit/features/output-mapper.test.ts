import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OutputMapper } from '../../../src/features/output-mapper.js';
import { validateOutputSpec } from '../../../src/features/validate-output-spec.js';
import { InferenceError } from '../../../src/errors.js';

function mapper(raw: unknown): OutputMapper {
  const res = validateOutputSpec(raw);
  assert.deepEqual(res.errors, []);
  return new OutputMapper(res.value!);
}

describe('OutputMapper', () => {
  it('maps scores, threshold labels, arg-max labels and copied fields', () => {
    const m = mapper({
      id: { kind: 'field' },
      card: { kind: 'field', from: 'card.id' },
      p: { kind: 'score', output: 'score' },
      fraud: { kind: 'label', output: 'score', threshold: 0.5 },
      verdict: { kind: 'label', output: 'score', threshold: 0.5, labels: ['ok', 'fraud'] },
      seg: { kind: 'label', output: 'probs', labels: ['low', 'mid', 'high'] },
    });
    const out = m.toRecords(
      { score: { data: Float32Array.from([0.25, 0.75]), dims: [2, 1] }, probs: { data: Float32Array.from([0.1, 0.7, 0.2, 0.5, 0.1, 0.4]), dims: [2, 3] } },
      [{ id: 'a', card: { id: 'c1' } }, { id: 'b', card: { id: 'c2' } }],
    );
    assert.deepEqual(out, [
      { id: 'a', card: 'c1', p: 0.25, fraud: false, verdict: 'ok', seg: 'mid' },
      { id: 'b', card: 'c2', p: 0.75, fraud: true, verdict: 'fraud', seg: 'low' },
    ]);
  });

  it('returns the top k items, best first, matching a sort of the scores', () => {
    const vocab = Array.from({ length: 50 }, (_, i) => `item-${i}`);
    const m = mapper({ recs: { kind: 'topK', output: 'y', k: 5, vocabulary: vocab } });
    const rows = 3;
    const data = new Float32Array(rows * 50);
    let seed = 7;
    for (let i = 0; i < data.length; i++) data[i] = (seed = (seed * 48271) % 2147483647) / 2147483647;
    const out = m.toRecords({ y: { data, dims: [rows, 50] } }, [{}, {}, {}]);
    for (let r = 0; r < rows; r++) {
      const expected = [...data.subarray(r * 50, (r + 1) * 50)]
        .map((score, j) => ({ item_id: vocab[j]!, score }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 5);
      assert.deepEqual(out[r]!.recs, expected);
    }
  });

  it('throws a retriable InferenceError when an output is missing or has the wrong row count', () => {
    const m = mapper({ p: { kind: 'score', output: 'score' } });
    assert.throws(() => m.toRecords({}, [{}]), (e: unknown) => e instanceof InferenceError && e.retriable);
    assert.throws(() => m.toRecords({ score: { data: new Float32Array(3), dims: [3, 1] } }, [{}]), /3 rows for 1 inputs/);
  });
});
