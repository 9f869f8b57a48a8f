import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { TfjsBackend } from '../../../src/inference/tfjs-backend.js';
import { validateModelSpec, type ModelSpec } from '../../../src/inference/model-spec.js';
import { DeviceUnavailableError, ModelLoadError, InferenceError } from '../../../src/errors.js';
import type { ModuleImporter } from '../../../src/inference/tfjs-loader.js';
import { saveTinyGraphModel, saveTinyLayersModel } from './tfjs-helpers.js';

function spec(raw: Record<string, unknown>): ModelSpec {
  const res = validateModelSpec({ backend: 'tfjs', path: 'model', tfjs: { backends: ['cpu'] }, ...raw });
  assert.deepEqual(res.errors, []);
  return res.value!;
}

/** Native packages are absent: simulate their import failing the way Node reports it. */
const withoutNative: ModuleImporter = (s) => (s.includes('tfjs-node') ? Promise.reject(new Error(`Cannot find package '${s}'`)) : import(s));

await tf.setBackend('cpu');

describe('TfjsBackend (cpu)', () => {
  it('loads a layers model from files, describes it and scores like the model itself', async () => {
    const { dir, predict } = await saveTinyLayersModel(tf);
    const b = new TfjsBackend(spec({}), { model: dir });
    await b.load();
    assert.equal(b.device, 'tfjs-cpu');
    assert.deepEqual(b.describe(), {
      inputs: [{ name: 'features', dtype: 'float32', shape: [-1, 4] }],
      outputs: [{ name: 'score', dtype: 'float32', shape: [-1, 1] }],
    });
    const rows = 50;
    const x = Float32Array.from({ length: rows * 4 }, (_, i) => Math.sin(i));
    const out = await b.run({ features: { data: x, dims: [rows, 4] } });
    assert.deepEqual(out.score!.dims, [rows, 1]);
    const expected = predict(x, rows);
    for (let i = 0; i < rows; i++) assert.ok(Math.abs(out.score!.data[i]! - expected[i]!) < 1e-6);
    await b.dispose();
  });

  it('keeps the tensor count flat across many batches', async () => {
    const { dir } = await saveTinyLayersModel(tf);
    const b = new TfjsBackend(spec({}), { model: dir });
    await b.load();
    await b.warmUp(32);
    const before = b.numTensors();
    for (let i = 0; i < 50; i++) await b.run({ features: { data: new Float32Array(64 * 4).fill(i / 50), dims: [64, 4] } });
    assert.equal(b.numTensors(), before);
    await assert.rejects(b.run({ features: { data: new Float32Array(5), dims: [1, 5] } }), InferenceError);
    assert.equal(b.numTensors(), before, 'a failing batch leaks nothing either');
    await b.dispose();
  });

  it('loads a graph model and runs it with named inputs', async () => {
    const w = [1, 2, 3, 4, 5, 6];
    const bias = [0.5, -0.5];
    const b = new TfjsBackend(spec({}), { model: `${saveTinyGraphModel(w, bias)}/model.json` });
    await b.load();
    const sig = b.describe();
    assert.deepEqual(sig.inputs.map((i) => [i.name, i.shape]), [['x', [-1, 3]]]);
    assert.deepEqual(sig.outputs.map((o) => o.name), ['y']);
    const out = await b.run({ x: { data: Float32Array.from([1, 0, 2, 0, 1, 1]), dims: [2, 3] } });
    // row [1,0,2]: [1*1+2*5, 1*2+2*6] + b ; row [0,1,1]: [3+5, 4+6] + b
    assert.deepEqual([...out.y!.data], [11.5, 13.5, 8.5, 9.5]);
    await b.dispose();
  });

  it('tries backends in order and reports which one loaded', async () => {
    const { dir } = await saveTinyLayersModel(tf);
    const infos: object[] = [];
    const b = new TfjsBackend(spec({ tfjs: { backends: ['tfjs-node', 'cpu'] } }), { model: dir, importModule: withoutNative, logger: { info: (o) => infos.push(o), warn: () => undefined } });
    await b.load();
    assert.equal(b.device, 'tfjs-cpu');
    assert.ok(infos.some((o) => (o as { backend?: string; error?: string }).backend === 'tfjs-node' && /Cannot find package/.test((o as { error?: string }).error ?? '')));
    await b.dispose();
  });

  it('device cuda without tfjs-node-gpu: falls back with a recorded reason, or refuses with deviceFallback fail', async () => {
    const { dir } = await saveTinyLayersModel(tf);
    const warnings: object[] = [];
    const b = new TfjsBackend(spec({ device: 'cuda', tfjs: { backends: ['tfjs-node-gpu', 'cpu'] } }), { model: dir, importModule: withoutNative, logger: { info: () => undefined, warn: (o) => warnings.push(o) } });
    await b.load();
    assert.equal(b.device, 'tfjs-cpu');
    assert.equal(b.fallback?.requested, 'cuda');
    assert.match(b.fallback?.reason ?? '', /tfjs-node-gpu \(Cannot find package/);
    assert.equal(warnings.length, 1);
    await b.dispose();
    const strict = new TfjsBackend(spec({ device: 'cuda', deviceFallback: 'fail', tfjs: { backends: ['tfjs-node-gpu', 'cpu'] } }), { model: dir, importModule: withoutNative });
    await assert.rejects(strict.load(), (e: unknown) => e instanceof DeviceUnavailableError && /deviceFallback: cpu/.test(e.message));
  });

  it('a missing model file or an unusable runtime list is a ModelLoadError', async () => {
    await assert.rejects(new TfjsBackend(spec({}), { model: '/nonexistent/model' }).load(), ModelLoadError);
    const { dir } = await saveTinyLayersModel(tf);
    await assert.rejects(new TfjsBackend(spec({ tfjs: { backends: ['tfjs-node'] } }), { model: dir, importModule: withoutNative }).load(), (e: unknown) => e instanceof ModelLoadError && /no TF.js backend could be loaded: tfjs-node/.test(e.message));
  });
});
