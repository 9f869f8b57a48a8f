import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createBackend, prepareBackend } from '../../../src/inference/create-backend.js';
import { validateModelSpec, type ModelSpec } from '../../../src/inference/model-spec.js';
import { OnnxBackend } from '../../../src/inference/onnx-backend.js';
import { TfjsBackend } from '../../../src/inference/tfjs-backend.js';
import { ModelSignatureError } from '../../../src/errors.js';
import { validateFeatureSpec } from '../../../src/features/validate-feature-spec.js';
import { validateOutputSpec } from '../../../src/features/validate-output-spec.js';
import { expectedSignature } from '../../../src/features/expected-signature.js';
import { denseGraph, writeOnnxModel } from '../../../scripts/models/onnx-writer.js';
import { saveTinyLayersModel } from './tfjs-helpers.js';

function spec(raw: Record<string, unknown>): ModelSpec {
  const res = validateModelSpec(raw);
  assert.deepEqual(res.errors, []);
  return res.value!;
}

/** A function dir holding an ONNX MLP with input features[-1, 4] and output score[-1, 1]. */
function onnxDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strobe-fn-'));
  const layer = { kernel: new Float32Array(4).fill(0.5), bias: new Float32Array(1), inputs: 4, units: 1, activation: 'sigmoid' as const };
  writeFileSync(join(dir, 'model.onnx'), writeOnnxModel(denseGraph({ name: 'm', input: 'features', output: 'score', layers: [layer] })));
  return dir;
}

/** Mapping of `n` numeric columns into model input `input`, reading output `output`. */
function mapping(input: string, n: number, output = 'score') {
  const features = validateFeatureSpec([{ input, columns: Array.from({ length: n }, (_, i) => ({ field: `f${i}`, kind: 'numeric' })) }]).value!;
  const outputs = validateOutputSpec({ fraud_score: { kind: 'score', output } }).value!;
  return expectedSignature(features, outputs);
}

await tf.setBackend('cpu');

describe('createBackend / prepareBackend', () => {
  it('creates the backend named by model.backend, resolving the path against the function directory', () => {
    assert.ok(createBackend(spec({ backend: 'onnx', path: 'model.onnx' }), { baseDir: '/fn' }) instanceof OnnxBackend);
    assert.ok(createBackend(spec({ backend: 'tfjs', path: 'model-tfjs' }), { baseDir: '/fn' }) instanceof TfjsBackend);
  });

  it('loads, checks and warms up a matching model', async () => {
    const b = await prepareBackend(spec({ backend: 'onnx', path: 'model.onnx', warmUpBatchSize: 64 }), { baseDir: onnxDir() }, mapping('features', 4));
    const out = await b.run({ features: { data: new Float32Array(8), dims: [2, 4] } });
    assert.deepEqual([...out.score!.data], [0.5, 0.5]);
    await b.dispose();
  });

  it('rejects at startup an ONNX model whose input width differs from the feature mapping, naming names and shapes', async () => {
    await assert.rejects(prepareBackend(spec({ backend: 'onnx', path: 'model.onnx' }), { baseDir: onnxDir() }, mapping('features', 6)), (e: unknown) => {
      assert.ok(e instanceof ModelSignatureError);
      assert.match(e.message, /input "features" \(features\[0\]\): feature mapping builds \[-1, 6\], model expects \[-1, 4\]/);
      assert.match(e.message, /model\.onnx|features/);
      return true;
    });
  });

  it('rejects a TF.js model whose input and output names differ from the mappings', async () => {
    const { dir } = await saveTinyLayersModel(tf);
    await assert.rejects(
      prepareBackend(spec({ backend: 'tfjs', path: '.', tfjs: { backends: ['cpu'] } }), { baseDir: dir }, mapping('x', 4, 'probability')),
      (e: unknown) => {
        assert.ok(e instanceof ModelSignatureError);
        assert.equal(e.mismatches.length, 3);
        assert.match(e.message, /input "x" \(features\[0\]\) expected with shape \[-1, 4\], but the model has no such input; model inputs: features \[-1, 4\]/);
        assert.match(e.message, /model input "features" \[-1, 4\] is not fed/);
        assert.match(e.message, /output "probability" \(outputs\.fraud_score\).*model outputs: score \[-1, 1\]/);
        return true;
      },
    );
  });
});
