import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateModelSpec, TFJS_BACKENDS } from '../../../src/inference/model-spec.js';

describe('validateModelSpec', () => {
  it('fills defaults', () => {
    const res = validateModelSpec({ backend: 'onnx', path: 'models/fraud.onnx' });
    assert.deepEqual(res.errors, []);
    const m = res.value!;
    assert.equal(m.device, 'cpu');
    assert.equal(m.deviceFallback, 'cpu');
    assert.equal(m.name, 'fraud');
    assert.equal(m.version, '1');
    assert.equal(m.onnx.graphOptimizationLevel, 'all');
    assert.deepEqual(m.tfjs.backends, TFJS_BACKENDS);
  });

  it('accepts a numeric version and explicit options', () => {
    const res = validateModelSpec({
      backend: 'tfjs', path: 'model-tfjs', device: 'cuda', deviceFallback: 'fail', version: 3,
      tfjs: { backends: ['wasm', 'cpu'], wasmThreads: 2 },
    });
    assert.deepEqual(res.errors, []);
    assert.equal(res.value!.version, '3');
    assert.deepEqual(res.value!.tfjs.backends, ['wasm', 'cpu']);
  });

  it('collects all errors with paths and hints', () => {
    const res = validateModelSpec({ backend: 'tfjs', device: 'tensorrt', deviceFallback: 'gpu', onnx: {}, tfjs: { backends: ['webgl'] }, devise: 'cpu' });
    const fields = res.errors.map((e) => e.field).sort();
    assert.deepEqual(fields, ['model.device', 'model.deviceFallback', 'model.devise', 'model.onnx', 'model.path', 'model.tfjs.backends'].sort());
    assert.equal(res.errors.find((e) => e.field === 'model.devise')?.hint, 'did you mean "device"?');
    assert.equal(res.value, undefined);
  });
});
