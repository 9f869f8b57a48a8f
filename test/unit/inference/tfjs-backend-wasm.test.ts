import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { TfjsBackend } from '../../../src/inference/tfjs-backend.js';
import { validateModelSpec } from '../../../src/inference/model-spec.js';
import { saveTinyLayersModel } from './tfjs-helpers.js';
import { OnnxBackend } from '../../../src/inference/onnx-backend.js';
import { fraudBatch, fraudDir, scoreAll } from './fraud-model-fixture.js';

// A separate file (own process): the WebAssembly backend becomes TF.js's global backend here.
describe('TfjsBackend (wasm)', () => {
  it('loads the WebAssembly backend from the .wasm files in node_modules and matches the CPU kernels', async () => {
    await tf.setBackend('cpu');
    const { dir, predict } = await saveTinyLayersModel(tf);
    const rows = 256;
    const x = Float32Array.from({ length: rows * 4 }, (_, i) => Math.cos(i * 0.37) * 3);
    const onCpu = predict(x, rows);

    const spec = validateModelSpec({ backend: 'tfjs', path: 'model', tfjs: { backends: ['wasm', 'cpu'] } }).value!;
    const b = new TfjsBackend(spec, { model: dir });
    await b.load();
    assert.equal(b.device, 'tfjs-wasm');
    assert.equal(tf.getBackend(), 'wasm');
    await b.warmUp(8);
    const before = b.numTensors();
    const out = await b.run({ features: { data: x, dims: [rows, 4] } });
    for (let i = 0; i < rows; i++) assert.ok(Math.abs(out.score!.data[i]! - onCpu[i]!) < 1e-5, `row ${i}`);
    for (let i = 0; i < 20; i++) await b.run({ features: { data: x, dims: [rows, 4] } });
    assert.equal(b.numTensors(), before);
    await b.dispose();
  });

  it('scores the example fraud MLP like ONNX Runtime within 1e-5 over 10k rows', async () => {
    const onnx = new OnnxBackend(validateModelSpec({ backend: 'onnx', path: 'model.onnx' }).value!, { model: `${fraudDir}model.onnx` });
    const wasm = new TfjsBackend(validateModelSpec({ backend: 'tfjs', path: 'model-tfjs', tfjs: { backends: ['wasm'] } }).value!, { model: `${fraudDir}model-tfjs` });
    await onnx.load();
    await wasm.load();
    assert.equal(wasm.device, 'tfjs-wasm');
    const { x, width } = fraudBatch(10_000, 77);
    const a = await scoreAll(onnx, x, width);
    const b = await scoreAll(wasm, x, width, 500);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    assert.ok(maxDiff < 1e-5, `max |onnx - tfjs-wasm| = ${maxDiff}`);
    await onnx.dispose();
    await wasm.dispose();
  });
});
