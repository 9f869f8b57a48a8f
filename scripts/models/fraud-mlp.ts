/**
 * The fraud MLP both fraud training scripts fit (train-fraud.ts, train-fraud-fresh.ts): width → 32 → 16 → 1,
 * ReLU then sigmoid, Glorot-uniform weights seeded per layer, Adam 0.002, binary cross-entropy, rows in a
 * seeded order (tfjs' own shuffle uses Math.random, which would make the files differ between runs).
 */
import * as tf from '@tensorflow/tfjs';
import { Prng } from '../../src/generator/prng.js';

/** 0..n-1 in a Fisher-Yates order drawn from `seed`. */
export function seededOrder(n: number, seed: number): number[] {
  const rng = new Prng(seed ^ 0x7a11);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export interface FittedMlp {
  readonly model: tf.LayersModel;
  /** Scores for rows of `width` features (row-major). */
  readonly predict: (x: Float32Array) => Float32Array;
}

export async function fitFraudMlp(
  train: { x: Float32Array; y: Float32Array },
  o: { width: number; seed: number; name: string; epochs: number; batchSize: number },
): Promise<FittedMlp> {
  const { width, seed } = o;
  const input = tf.input({ shape: [width], name: 'features' });
  const dense = (units: number, activation: 'relu' | 'sigmoid', name: string, layerSeed: number) =>
    tf.layers.dense({ units, activation, name, kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed }), biasInitializer: 'zeros' });
  const h1 = dense(32, 'relu', 'dense_1', seed + 1).apply(input) as tf.SymbolicTensor;
  const h2 = dense(16, 'relu', 'dense_2', seed + 2).apply(h1) as tf.SymbolicTensor;
  const score = dense(1, 'sigmoid', 'score', seed + 3).apply(h2) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: score, name: o.name });
  model.compile({ optimizer: tf.train.adam(0.002), loss: 'binaryCrossentropy' });
  const xs = tf.tensor2d(train.x, [train.y.length, width]);
  const ys = tf.tensor2d(train.y, [train.y.length, 1]);
  await model.fit(xs, ys, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    shuffle: false,
    verbose: 0,
    callbacks: { onEpochEnd: (epoch, logs) => console.log(`epoch ${epoch + 1}/${o.epochs} loss ${logs?.loss?.toFixed(5)}`) },
  });
  tf.dispose([xs, ys]);
  return {
    model,
    predict: (x) => tf.tidy(() => (model.predict(tf.tensor2d(x, [x.length / width, width]), { batchSize: 4096 }) as tf.Tensor).dataSync() as Float32Array),
  };
}
