// Builds small TF.js models on disk for the backend tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TfNamespace } from '../../../src/inference/tfjs-loader.js';
import { fileSaveHandler } from '../../../src/inference/tfjs-file-io.js';

/** features[4] → dense(8, relu) → score[1] sigmoid, seeded weights; saved as a layers model. */
export async function saveTinyLayersModel(tf: TfNamespace): Promise<{ dir: string; predict: (x: Float32Array, rows: number) => Float32Array }> {
  const input = tf.input({ shape: [4], name: 'features' });
  const h = tf.layers.dense({ units: 8, activation: 'relu', name: 'hidden', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: 'ones' }).apply(input) as ReturnType<typeof tf.input>;
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'score', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(h) as ReturnType<typeof tf.input>;
  const model = tf.model({ inputs: input, outputs: out });
  const dir = mkdtempSync(join(tmpdir(), 'strobe-tfjs-'));
  await model.save(fileSaveHandler(dir));
  const predict = (x: Float32Array, rows: number): Float32Array => tf.tidy(() => (model.predict(tf.tensor2d(x, [rows, 4])) as ReturnType<typeof tf.tensor>).dataSync() as Float32Array);
  return { dir, predict };
}

/** A hand-written graph model: y = x · W (MatMul) + b (BiasAdd), x: [-1, 3]. */
export function saveTinyGraphModel(w: readonly number[], b: readonly number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'strobe-tfjs-graph-'));
  const f32 = { type: 'DT_FLOAT' };
  const modelTopology = {
    node: [
      { name: 'x', op: 'Placeholder', attr: { dtype: f32, shape: { shape: { dim: [{ size: '-1' }, { size: '3' }] } } } },
      { name: 'w', op: 'Const', attr: { dtype: f32, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '3' }, { size: '2' }] } } } } },
      { name: 'b', op: 'Const', attr: { dtype: f32, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '2' }] } } } } },
      { name: 'mm', op: 'MatMul', input: ['x', 'w'], attr: { T: f32, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: 'y', op: 'BiasAdd', input: ['mm', 'b'], attr: { T: f32, data_format: { s: 'TkhXQw==' } } },
    ],
    versions: { producer: 1 },
  };
  const json = {
    format: 'graph-model',
    generatedBy: 'strobe-test',
    convertedBy: null,
    modelTopology,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'w', shape: [3, 2], dtype: 'float32' }, { name: 'b', shape: [2], dtype: 'float32' }] }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(Float32Array.from([...w, ...b]).buffer));
  return dir;
}
