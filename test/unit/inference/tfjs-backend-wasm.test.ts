import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { TfjsBackend } from '../../../src/inference/tfjs-backend.js';
import { validateModelSpec } from '../../../src/inference/model-spec.js';
import { saveTinyLayersModel } from './tfjs-helpers.js';

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
});
