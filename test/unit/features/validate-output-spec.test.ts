import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { validateOutputSpec } from '../../../src/features/validate-output-spec.js';
import { requiredOutputWidths } from '../../../src/features/output-spec.js';

describe('validateOutputSpec', () => {
  it('accepts score, label, topK and field outputs, keeping file order', () => {
    const res = validateOutputSpec(
      parse(`
transaction_id: { kind: field }
card: { kind: field, from: card.id }
fraud_score: { kind: score, output: score }
is_fraud_predicted: { kind: label, output: score, threshold: 0.5 }
recs: { kind: topK, output: next_item, k: 2, vocabulary: [a, b, c] }
`),
    );
    assert.deepEqual(res.errors, []);
    assert.deepEqual(res.value!.fields.map((f) => f.name), ['transaction_id', 'card', 'fraud_score', 'is_fraud_predicted', 'recs']);
    const card = res.value!.fields[1]!.spec;
    assert.ok(card.kind === 'field');
    assert.deepEqual(card.fromPath, ['card', 'id']);
    assert.deepEqual([...requiredOutputWidths(res.value!)], [['score', 1], ['next_item', 3]]);
  });

  it('names the field and explains what is missing', () => {
    const res = validateOutputSpec({
      a: { kind: 'label', output: 'score' },
      b: { kind: 'topK', output: 'y', k: 5, vocabulary: ['x', 'y'] },
      c: { kind: 'scor', output: 'y' },
      d: { kind: 'label', output: 's', threshold: 0.5, labels: ['a', 'b', 'c'] },
    });
    const fields = res.errors.map((e) => e.field);
    assert.deepEqual(fields, ['outputs.a', 'outputs.b.k', 'outputs.c.kind', 'outputs.d.labels']);
    assert.match(res.errors[2]!.hint ?? '', /score/);
  });
});
