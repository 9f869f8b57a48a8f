import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OnnxBackend, executionProviders, sessionOptions, type OnnxDeviceProbe } from '../../../src/inference/onnx-backend.js';
import { validateModelSpec, type ModelSpec } from '../../../src/inference/model-spec.js';
import { DeviceUnavailableError, InferenceError, ModelLoadError } from '../../../src/errors.js';
import { denseGraph, writeOnnxModel } from '../../../scripts/models/onnx-writer.js';
import type { InferenceLogger } from '../../../src/inference/backend.js';

function spec(raw: Record<string, unknown>): ModelSpec {
  const res = validateModelSpec({ backend: 'onnx', path: 'model.onnx', ...raw });
  assert.deepEqual(res.errors, []);
  return res.value!;
}

// features[3] → relu(x·W1 + b1)[2] → sigmoid(h·W2 + b2)[1]
const W1 = [1, 2, 3, 4, 5, 6];
const B1 = [0.5, -1];
const W2 = [1, -1];
const model = writeOnnxModel(
  denseGraph({
    name: 'tiny',
    input: 'features',
    output: 'score',
    layers: [
      { kernel: Float32Array.from(W1), bias: Float32Array.from(B1), inputs: 3, units: 2, activation: 'relu' },
      { kernel: Float32Array.from(W2), bias: Float32Array.from([0.25]), inputs: 2, units: 1, activation: 'sigmoid' },
    ],
  }),
);

/** The same network in plain arithmetic. */
function reference(x: readonly number[]): number {
  const h = [0, 1].map((j) => Math.max(0, x[0]! * W1[j]! + x[1]! * W1[2 + j]! + x[2]! * W1[4 + j]! + B1[j]!));
  return 1 / (1 + Math.exp(-(h[0]! * W2[0]! + h[1]! * W2[1]! + 0.25)));
}

function recordingLogger(): InferenceLogger & { warnings: object[] } {
  const warnings: object[] = [];
  return { warnings, info: () => undefined, warn: (obj) => warnings.push(obj) };
}

const unavailable: OnnxDeviceProbe = () => Promise.resolve({ available: false, reason: 'no CUDA driver (test probe)' });

describe('OnnxBackend', () => {
  it('reads the signature from the model, with -1 for the symbolic batch dimension', async () => {
    const b = new OnnxBackend(spec({}), { model });
    await b.load();
    assert.deepEqual(b.describe(), {
      inputs: [{ name: 'features', dtype: 'float32', shape: [-1, 3] }],
      outputs: [{ name: 'score', dtype: 'float32', shape: [-1, 1] }],
    });
    assert.equal(b.device, 'cpu');
    assert.equal(b.fallback, undefined);
    await b.dispose();
  });

  it('scores a batch like the reference arithmetic and warms up with a dummy batch', async () => {
    const b = new OnnxBackend(spec({ onnx: { intraOpNumThreads: 1, graphOptimizationLevel: 'basic' } }), { model });
    await b.load();
    await b.warmUp(16);
    const rows = [[1, 1, 1], [0, 0, 0], [-1, 0.5, 2], [0.3, -0.7, 0.1]];
    const out = await b.run({ features: { data: Float32Array.from(rows.flat()), dims: [4, 3] } });
    assert.deepEqual(out.score!.dims, [4, 1]);
    rows.forEach((r, i) => assert.ok(Math.abs(out.score!.data[i]! - reference(r)) < 1e-6));
    await b.dispose();
    await assert.rejects(b.run({ features: { data: new Float32Array(3), dims: [1, 3] } }), InferenceError);
  });

  it('device cuda without CUDA, deviceFallback cpu: runs on CPU and reports the fallback', async () => {
    const logger = recordingLogger();
    const b = new OnnxBackend(spec({ device: 'cuda', deviceFallback: 'cpu' }), { model, logger, probe: unavailable });
    await b.load();
    assert.equal(b.device, 'cpu');
    assert.deepEqual(b.fallback, { requested: 'cuda', used: 'cpu', reason: 'no CUDA driver (test probe)' });
    assert.equal(logger.warnings.length, 1);
    const out = await b.run({ features: { data: Float32Array.from([1, 1, 1]), dims: [1, 3] } });
    assert.ok(Math.abs(out.score!.data[0]! - reference([1, 1, 1])) < 1e-6);
    await b.dispose();
  });

  it('device cuda without CUDA, deviceFallback fail: refuses to start with a clear message', async () => {
    const b = new OnnxBackend(spec({ device: 'cuda', deviceId: 1, deviceFallback: 'fail' }), { model: '/models/fraud.onnx', probe: unavailable });
    // The file does not exist: a load error, not a device error, must win.
    await assert.rejects(b.load(), (e: unknown) => e instanceof ModelLoadError && !(e instanceof DeviceUnavailableError));
    const c = new OnnxBackend(spec({ device: 'cuda', deviceId: 1, deviceFallback: 'fail' }), { model, probe: unavailable });
    await assert.rejects(c.load(), (e: unknown) => {
      assert.ok(e instanceof DeviceUnavailableError);
      assert.equal(e.device, 'cuda');
      assert.equal(e.retriable, false);
      assert.match(e.message, /model\.device is cuda \(deviceId 1\) but it cannot be used: no CUDA driver \(test probe\)\. Set model\.deviceFallback: cpu/);
      return true;
    });
  });

  it('falls back when the provider is listed but fails to initialise (the real onnxruntime path)', async () => {
    // The probe lets cuda through, so onnxruntime itself is asked for the CUDA provider.
    const optimistic: OnnxDeviceProbe = () => Promise.resolve({ available: true });
    const b = new OnnxBackend(spec({ device: 'cuda', deviceFallback: 'cpu' }), { model, probe: optimistic });
    await b.load();
    if (b.device === 'cuda') {
      assert.equal(b.fallback, undefined); // a machine with a working CUDA provider
    } else {
      assert.equal(b.device, 'cpu');
      assert.equal(b.fallback?.requested, 'cuda');
      assert.ok((b.fallback?.reason.length ?? 0) > 0);
      const strict = new OnnxBackend(spec({ device: 'cuda', deviceFallback: 'fail' }), { model, probe: optimistic });
      await assert.rejects(strict.load(), DeviceUnavailableError);
    }
    await b.dispose();
  });

  it('a corrupt model is a ModelLoadError, never a device error', async () => {
    const b = new OnnxBackend(spec({ device: 'cuda', deviceFallback: 'fail' }), { model: Uint8Array.from([1, 2, 3, 4]), probe: unavailable });
    await assert.rejects(b.load(), (e: unknown) => e instanceof ModelLoadError && !(e instanceof DeviceUnavailableError) && e.code === 'MODEL_LOAD');
  });

  it('feeds integer model inputs by converting float32 values', async () => {
    const bytes = writeOnnxModel({
      name: 'ints',
      inputs: [{ name: 'ids', elemType: 'int64', shape: ['batch', 2] }],
      outputs: [{ name: 'y', elemType: 'float32', shape: ['batch', 2] }],
      nodes: [{ opType: 'Cast', inputs: ['ids'], outputs: ['y'], attributes: { to: 1 } }],
      initializers: [],
    });
    const b = new OnnxBackend(spec({}), { model: bytes });
    await b.load();
    assert.equal(b.describe().inputs[0]!.dtype, 'int64');
    const out = await b.run({ ids: { data: Float32Array.from([3, 7, 42, 0]), dims: [2, 2] } });
    assert.deepEqual([...out.y!.data], [3, 7, 42, 0]);
    await b.dispose();
  });

  it('a bad batch is a retriable InferenceError', async () => {
    const b = new OnnxBackend(spec({}), { model });
    await b.load();
    await assert.rejects(b.run({ features: { data: new Float32Array(4), dims: [1, 4] } }), (e: unknown) => e instanceof InferenceError && e.retriable);
    await b.dispose();
  });

  it('maps devices to execution providers and config to session options', () => {
    assert.deepEqual(executionProviders('cpu', 0), ['cpu']);
    assert.deepEqual(executionProviders('cuda', 2), [{ name: 'cuda', deviceId: 2 }, 'cpu']);
    assert.deepEqual(executionProviders('tensorrt', 1), [{ name: 'tensorrt', deviceId: 1 }, { name: 'cuda', deviceId: 1 }, 'cpu']);
    const o = sessionOptions({ graphOptimizationLevel: 'extended', intraOpNumThreads: 2, interOpNumThreads: 0, executionMode: 'parallel' }, ['cpu']);
    assert.deepEqual(o, { executionProviders: ['cpu'], graphOptimizationLevel: 'extended', executionMode: 'parallel', intraOpNumThreads: 2 });
  });
});
