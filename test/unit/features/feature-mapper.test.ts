import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureMapper } from '../../../src/features/feature-mapper.js';
import { validateFeatureSpec } from '../../../src/features/validate-feature-spec.js';
import { FeatureValidationError } from '../../../src/errors.js';
import type { FeatureSpec } from '../../../src/features/feature-spec.js';

function spec(raw: unknown, mode?: 'event' | 'key'): FeatureSpec {
  const res = validateFeatureSpec(raw, 'features', mode === undefined ? {} : { mode });
  assert.deepEqual(res.errors, []);
  return res.value!;
}

function close(actual: ArrayLike<number>, expected: readonly number[], eps = 1e-6): void {
  assert.equal(actual.length, expected.length, `length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= eps, `at ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('FeatureMapper (event mode)', () => {
  it('encodes numeric scalings, one-hot with OOV, booleans and defaults', () => {
    const m = new FeatureMapper(
      spec([
        {
          input: 'x',
          columns: [
            { field: 'amount', kind: 'numeric', log1p: true, scaling: 'standard', mean: 1, std: 2 },
            { field: 'age', kind: 'numeric', scaling: 'minmax', min: 10, max: 20, clip: [0, 1], default: 15 },
            { field: 'cat', kind: 'categorical', vocabulary: ['a', 'b'] },
            { field: 'flag', kind: 'boolean', default: true },
          ],
        },
      ]),
    );
    const { tensors, rows, rowErrors } = m.toTensor([
      { amount: 9, age: 12, cat: 'b', flag: false },
      { amount: 0, age: null, cat: 'zzz' },
      { amount: 3, age: 40, cat: 'a', flag: true },
    ]);
    assert.equal(rowErrors.size, 0);
    assert.deepEqual(rows, [0, 1, 2]);
    const x = tensors.x!;
    assert.deepEqual(x.dims, [3, 6]);
    // columns: amount, age, cat=<oov>, cat=a, cat=b, flag
    close(x.data, [
      (Math.log(10) - 1) / 2, 0.2, 0, 0, 1, 0,
      (0 - 1) / 2, 0.5, 1, 0, 0, 1,
      (Math.log(4) - 1) / 2, 1, 0, 1, 0, 1,
    ]);
  });

  it('drops bad rows with a permanent FeatureValidationError naming the field, and keeps the rest aligned', () => {
    const m = new FeatureMapper(
      spec([
        { input: 'x', columns: [{ field: 'a', kind: 'numeric' }, { field: 'c', kind: 'categorical', vocabulary: ['p'], oov: 'error' }] },
        { input: 'y', columns: [{ field: 'b', kind: 'boolean' }] },
      ]),
    );
    const { tensors, rows, rowErrors } = m.toTensor([
      { a: 1, c: 'p', b: true },
      { a: NaN, c: 'p', b: true },
      { a: Infinity, c: 'p', b: true },
      { a: '3', c: 'p', b: true },
      { a: 2, c: 'q', b: true },
      { a: 3, c: 'p', b: 'yes' },
      { c: 'p', b: true },
      { a: 4, c: 'p', b: false },
    ]);
    assert.deepEqual(rows, [0, 7]);
    assert.deepEqual([...rowErrors.keys()], [1, 2, 3, 4, 5, 6]);
    for (const e of rowErrors.values()) {
      assert.ok(e instanceof FeatureValidationError);
      assert.equal(e.retriable, false);
    }
    assert.equal(rowErrors.get(1)!.field, 'a');
    assert.match(rowErrors.get(1)!.message, /NaN is not a finite number/);
    assert.match(rowErrors.get(3)!.message, /expected a number, got string "3"/);
    assert.equal(rowErrors.get(4)!.field, 'c');
    assert.equal(rowErrors.get(5)!.field, 'b');
    assert.match(rowErrors.get(6)!.message, /missing and has no default/);
    assert.deepEqual(tensors.x!.dims, [2, 2]);
    close(tensors.x!.data, [1, 1, 4, 1]);
    close(tensors.y!.data, [1, 0]);
  });

  it('encodes timestamps as cyclical hour of day and day of week (Monday = 0)', () => {
    const m = new FeatureMapper(spec([{ input: 't', columns: [{ field: 'ts', kind: 'timestamp' }, { field: 'ts', kind: 'timestamp', parts: ['hourOfDay'], cyclical: false, utcOffsetMinutes: 120 }] }]));
    const monday6 = Date.UTC(2024, 0, 1, 6, 0); // 2024-01-01 was a Monday
    const sunday18 = new Date(Date.UTC(2024, 0, 7, 18, 0));
    const { tensors } = m.toTensor([{ ts: monday6 }, { ts: sunday18 }, { ts: BigInt(monday6) }]);
    const q = (2 * Math.PI * 6) / 7;
    close(tensors.t!.data, [
      1, 0, 0, 1, 8 / 24,
      -1, 0, Math.sin(q), Math.cos(q), 20 / 24,
      1, 0, 0, 1, 8 / 24,
    ]);
  });

  it('hashes into stable buckets (FNV-1a of UTF-8) as one-hot or index', () => {
    const m = new FeatureMapper(spec([{ input: 'h', columns: [{ field: 'm', kind: 'hashed', buckets: 7, encoding: 'index' }, { field: 'm', kind: 'hashed', buckets: 3 }] }]));
    // FNV-1a("a") = 0xe40c292c is the published test vector; "é" (bytes c3 a9) = 0x1e9de8c1 from a Buffer-based reference
    const { tensors } = m.toTensor([{ m: 'a' }, { m: 'é' }]);
    close(tensors.h!.data, [0xe40c292c % 7, ...[0, 1, 2].map((b) => (b === 0xe40c292c % 3 ? 1 : 0)), 0x1e9de8c1 % 7, ...[0, 1, 2].map((b) => (b === 0x1e9de8c1 % 3 ? 1 : 0))]);
  });

  it('reads dotted fields from nested records', () => {
    const m = new FeatureMapper(spec([{ input: 'x', columns: [{ field: 'device.trusted', kind: 'boolean' }] }]));
    const { tensors, rowErrors } = m.toTensor([{ device: { trusted: true } }, { device: null }]);
    close(tensors.x!.data, [1]);
    assert.equal(rowErrors.get(1)?.field, 'device.trusted');
  });
});

describe('FeatureMapper (key mode)', () => {
  const items = ['i1', 'i2', 'i3'];
  const seqSpec = (padding: 'left' | 'right') =>
    spec([
      { input: 'items', sequence: { length: 3, padding, mask: 'mask' }, columns: [{ field: 'item', kind: 'categorical', vocabulary: items, encoding: 'index' }] },
      { input: 'ctx', columns: [{ field: 'n', kind: 'numeric' }] },
    ]);

  it('keeps the last N events, pads on the chosen side and builds the mask', () => {
    const groups = [
      [{ item: 'i1', n: 1 }],
      [{ item: 'i1', n: 1 }, { item: 'i2', n: 2 }, { item: 'i3', n: 3 }, { item: 'zz', n: 4 }],
    ];
    const left = new FeatureMapper(seqSpec('left')).toSequenceTensor(groups);
    assert.deepEqual(left.tensors.items!.dims, [2, 3]);
    close(left.tensors.items!.data, [0, 0, 1, 2, 3, 0]);
    close(left.tensors.mask!.data, [0, 0, 1, 1, 1, 1]);
    close(left.tensors.ctx!.data, [1, 4]);
    const right = new FeatureMapper(seqSpec('right')).toSequenceTensor(groups);
    close(right.tensors.items!.data, [1, 0, 0, 2, 3, 0]);
    close(right.tensors.mask!.data, [1, 0, 0, 1, 1, 1]);
  });

  it('fails a whole window when one of its events is bad, naming the event', () => {
    const res = new FeatureMapper(seqSpec('left')).toSequenceTensor([[{ item: 'i1', n: 1 }, { item: 5.5, n: 2 }], [], [{ item: 'i2', n: 7 }]]);
    assert.deepEqual(res.rows, [2]);
    assert.equal(res.rowErrors.get(0)?.context.event, 1);
    assert.match(res.rowErrors.get(1)!.message, /empty key window/);
    close(res.tensors.items!.data, [0, 0, 2]);
    close(res.tensors.mask!.data, [0, 0, 1]);
    close(res.tensors.ctx!.data, [7]);
  });

  it('uses [batch, length, width] for multi-column events and fills padding with padValue', () => {
    const m = new FeatureMapper(spec([{ input: 's', sequence: { length: 2, padValue: -1 }, columns: [{ field: 'a', kind: 'numeric' }, { field: 'b', kind: 'boolean' }] }]));
    const res = m.toSequenceTensor([[{ a: 5, b: true }]]);
    assert.deepEqual(res.tensors.s!.dims, [1, 2, 2]);
    close(res.tensors.s!.data, [-1, -1, 5, 1]);
  });
});

describe('FeatureMapper (equals)', () => {
  it('compares two fields of the same record, with a default when one is missing', () => {
    const m = new FeatureMapper(spec([{ input: 'x', columns: [{ field: 'country', kind: 'equals', otherField: 'card_country', default: true }, { field: 'a', kind: 'equals', otherField: 'b' }] }]));
    const { tensors, rowErrors } = m.toTensor([
      { country: 'DE', card_country: 'DE', a: 1, b: 1 },
      { country: 'NG', card_country: 'DE', a: 1, b: 2 },
      { country: null, card_country: 'DE', a: 'x', b: 'x' },
      { country: 'DE', card_country: 'DE', a: 1 },
    ]);
    close(tensors.x!.data, [1, 1, 0, 0, 1, 1]);
    assert.match(rowErrors.get(3)!.message, /b is missing/);
  });
});
