import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkSignature, signatureMismatches } from '../../../src/inference/check-signature.js';
import { ModelSignatureError, ModelLoadError } from '../../../src/errors.js';
import type { ModelSignature } from '../../../src/inference/tensor.js';

const model: ModelSignature = {
  inputs: [{ name: 'features', dtype: 'float32', shape: [-1, 30] }],
  outputs: [{ name: 'score', dtype: 'float32', shape: [-1, 1] }],
};

describe('checkSignature', () => {
  it('accepts a matching signature', () => {
    assert.deepEqual(signatureMismatches(model, { inputs: [{ name: 'features', shape: [-1, 30] }], outputs: [{ name: 'score', minWidth: 1 }] }), []);
  });

  it('names the input and both shapes when widths differ', () => {
    assert.throws(
      () => checkSignature(model, { inputs: [{ name: 'features', shape: [-1, 28], source: 'features[0]' }], outputs: [] }, 'model.onnx'),
      (e: unknown) => {
        assert.ok(e instanceof ModelSignatureError && e instanceof ModelLoadError);
        assert.equal(e.retriable, false);
        assert.equal(e.mismatches.length, 1);
        assert.match(e.message, /"features" \(features\[0\]\): feature mapping builds \[-1, 28\], model expects \[-1, 30\]/);
        return true;
      },
    );
  });

  it('reports missing and unfed inputs, missing outputs and narrow outputs', () => {
    const got = signatureMismatches(
      { inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 4] }], outputs: [{ name: 'probs', dtype: 'float32', shape: [-1, 3] }] },
      { inputs: [{ name: 'features', shape: [-1, 4] }], outputs: [{ name: 'score', minWidth: 1 }, { name: 'probs', minWidth: 5 }] },
    );
    assert.equal(got.length, 4);
    assert.match(got[0]!, /input "features".*no such input; model inputs: x \[-1, 4\]/);
    assert.match(got[1]!, /model input "x" \[-1, 4\] is not fed/);
    assert.match(got[2]!, /output "score".*model outputs: probs \[-1, 3\]/);
    assert.match(got[3]!, /"probs".*at least 5/);
  });

  it('rejects a fixed batch dimension and a rank mismatch', () => {
    const got = signatureMismatches(
      { inputs: [{ name: 'a', dtype: 'float32', shape: [1, 4] }, { name: 'b', dtype: 'float32', shape: [-1, 4] }], outputs: [] },
      { inputs: [{ name: 'a', shape: [-1, 4] }, { name: 'b', shape: [-1, 2, 2] }], outputs: [] },
    );
    assert.equal(got.length, 2);
    assert.match(got[0]!, /batch dimension is fixed at 1/);
    assert.match(got[1]!, /rank 3 vs 2/);
  });
});
