import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateFeatureSpec } from '../../../src/features/validate-feature-spec.js';
import { inputShape, inputWidth } from '../../../src/features/feature-spec.js';

const fraudYaml = `
- input: features
  columns:
    - { field: amount, kind: numeric, log1p: true, scaling: standard, mean: 3.5, std: 1.2, clip: [-5, 5] }
    - { field: seconds_since_last_tx, kind: numeric, scaling: minmax, min: 0, max: 86400, default: 86400 }
    - { field: merchant_category, kind: categorical, vocabulary: [grocery, fuel, travel], encoding: onehot, oov: bucket }
    - { field: merchant_id, kind: hashed, buckets: 8 }
    - { field: is_new_device, kind: boolean, default: false }
    - { field: event_time, kind: timestamp, parts: [hourOfDay, dayOfWeek] }
`;

describe('validateFeatureSpec', () => {
  it('accepts a complete mapping and computes widths from the column kinds', () => {
    const res = validateFeatureSpec(parse(fraudYaml), 'features');
    assert.deepEqual(res.errors, []);
    const spec = res.value!;
    assert.equal(spec.mode, 'event');
    const input = spec.inputs[0]!;
    // 1 + 1 + (3 vocabulary + 1 oov) + 8 buckets + 1 + 2 parts * (sin, cos)
    assert.equal(inputWidth(input), 1 + 1 + 4 + 8 + 1 + 4);
    assert.deepEqual(inputShape(input), [-1, 19]);
    const amount = input.columns[0]!;
    assert.equal(amount.kind, 'numeric');
    if (amount.kind === 'numeric') assert.deepEqual(amount.clip, [-5, 5]);
  });

  it('reports every error with its field path and a hint', () => {
    const raw: unknown = parse(`
- input: features
  columns:
    - { field: amount, kind: numerc }
    - { field: amount, kind: numeric, scaling: standard, mean: 1, std: 0 }
    - { field: c, kind: categorical, encoding: onehot, ovv: bucket }
    - { kind: boolean }
`);
    const res = validateFeatureSpec(raw, 'features');
    assert.equal(res.value, undefined);
    const byField = new Map(res.errors.map((e) => [e.field, e]));
    assert.match(byField.get('features[0].columns[0].kind')!.hint ?? '', /numeric/);
    assert.match(byField.get('features[0].columns[1].std')!.message, /> 0/);
    assert.match(byField.get('features[0].columns[2].ovv')!.hint ?? '', /"oov"/);
    assert.ok(byField.has('features[0].columns[2].vocabulary'));
    assert.ok(byField.has('features[0].columns[3].field'));
  });

  it('rejects scaling parameters that do not match the scaling method', () => {
    const res = validateFeatureSpec([{ input: 'x', columns: [{ field: 'a', kind: 'numeric', mean: 1, std: 2 }] }]);
    assert.deepEqual(res.errors.map((e) => e.field), ['features[0].columns[0].scaling']);
  });

  it('rejects a sequence input when the function batches per event, and infers key mode otherwise', () => {
    const raw = [{ input: 'items', sequence: { length: 5, mask: 'mask' }, columns: [{ field: 'item_id', kind: 'categorical', vocabulary: ['a', 'b'], encoding: 'index' }] }];
    const asEvent = validateFeatureSpec(raw, 'features', { mode: 'event' });
    assert.deepEqual(asEvent.errors.map((e) => e.field), ['features[0].sequence']);
    const inferred = validateFeatureSpec(raw);
    assert.equal(inferred.value?.mode, 'key');
    assert.deepEqual(inputShape(inferred.value.inputs[0]!), [-1, 5]);
  });

  it('rejects two entries feeding the same model input', () => {
    const col = { field: 'a', kind: 'boolean' };
    const res = validateFeatureSpec([{ input: 'x', columns: [col] }, { input: 'x', columns: [col] }]);
    assert.equal(res.errors.length, 1);
    assert.equal(res.errors[0]!.field, 'features[1].input');
  });

  it('reads a vocabulary file relative to the function directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strobe-vocab-'));
    writeFileSync(join(dir, 'cats.txt'), 'grocery\nfuel\n\ntravel\n');
    const raw = [{ input: 'x', columns: [{ field: 'c', kind: 'categorical', vocabularyFile: 'cats.txt' }] }];
    const ok = validateFeatureSpec(raw, 'features', { baseDir: dir });
    const col = ok.value?.inputs[0]?.columns[0];
    assert.ok(col?.kind === 'categorical');
    assert.deepEqual(col.vocabulary, ['grocery', 'fuel', 'travel']);
    const missing = validateFeatureSpec(raw, 'features', { baseDir: join(dir, 'nope') });
    assert.equal(missing.errors[0]?.field, 'features[0].columns[0].vocabularyFile');
  });

  it('rejects a section that is not a list', () => {
    const res = validateFeatureSpec({ input: 'x' }, 'features');
    assert.equal(res.errors[0]?.field, 'features');
  });
});
