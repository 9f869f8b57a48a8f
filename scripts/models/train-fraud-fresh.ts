/**
 * Trains the fraud-scorer-fresh MLP: the fraud-scorer's columns plus online features — merchant risk and
 * the card's usual amount from the feature store, and the card's velocity (transactions in the last
 * minute and hour, amount in the last hour) computed in-stream. Same recipe as train-fraud.ts (seeded
 * data, time-ordered split, TF.js, ONNX export from the same weights).
 * Writes functions/fraud-scorer-fresh/{model.onnx, features.yaml, training-metrics.json}.
 *
 *   npx tsx scripts/models/train-fraud-fresh.ts [--seed 42] [--out functions/fraud-scorer-fresh]
 *
 * The store profiles come from a history slice before the training data (`computeProfiles`), the same
 * function `scripts/seed-feature-store.ts` uses to fill Redis.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { Document, isScalar, visit } from 'yaml';
import { TransactionGenerator } from '../../src/generator/transactions.js';
import { FeatureMapper } from '../../src/features/feature-mapper.js';
import { columnNames } from '../../src/features/feature-spec.js';
import { validateFeatureSpec } from '../../src/features/validate-feature-spec.js';
import { rocAuc } from '../../src/inference/auc.js';
import { fitFraudFeatures } from './fraud-features.js';
import { computeProfiles, enrich, GENERATOR_OPTIONS, HISTORY, velocity } from './fraud-profiles.js';
import { fitFraudMlp, seededOrder } from './fraud-mlp.js';
import { denseGraph, writeOnnxModel } from './onnx-writer.js';
import { denseLayers } from './tfjs-to-onnx.js';

const { values: args } = parseArgs({ options: { seed: { type: 'string', default: '42' }, out: { type: 'string', default: 'functions/fraud-scorer-fresh' } } });
const seed = Number(args.seed);
const outDir = resolve(args.out ?? 'functions/fraud-scorer-fresh');
const TRAIN = 160_000;
const VALID = 30_000;
const TEST = 60_000;
const EPOCHS = 5;
const BATCH = 256;

await tf.setBackend('cpu');
tf.env().set('PROD', true);
const started = Date.now();

const gen = new TransactionGenerator({ seed, ...GENERATOR_OPTIONS });
const stream = gen.batch(HISTORY + TRAIN + VALID + TEST);
const profiles = computeProfiles(stream.slice(0, HISTORY));
const vel = velocity(stream);
const records = stream.map((t, i) => enrich(t, profiles, vel[i] ?? {}));
const train = records.slice(HISTORY, HISTORY + TRAIN);
const valid = records.slice(HISTORY + TRAIN, HISTORY + TRAIN + VALID);
const test = records.slice(HISTORY + TRAIN + VALID);
const label = (r: Record<string, unknown>): number => (r.is_fraud === true ? 1 : 0);

const round = (x: number): number => Number(x.toFixed(6));
function standard(field: string, log1p: boolean, dflt: number): Record<string, unknown> {
  const xs = train.map((r) => Number(r[field] ?? dflt)).map((x) => (log1p ? Math.log1p(x) : x));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) || 1;
  return { field, kind: 'numeric', log1p, scaling: 'standard', mean: round(mean), std: round(std), clip: [-6, 6], default: dflt };
}
const base = fitFraudFeatures(stream.slice(HISTORY, HISTORY + TRAIN)) as { input: string; columns: unknown[] }[];
const rawFeatures = [
  {
    input: 'features',
    columns: [
      ...(base[0]?.columns ?? []),
      standard('merchant_risk', false, profiles.globalFraudRate),
      standard('card_avg_amount', true, profiles.globalMeanAmount),
      standard('card_tx_count_1m', true, 1),
      standard('card_tx_count_1h', true, 1),
      standard('card_amount_sum_1h', true, 0),
    ],
  },
];
const checked = validateFeatureSpec(rawFeatures, 'features', { mode: 'event' });
if (checked.value === undefined) throw new Error(`fitted features do not validate: ${JSON.stringify(checked.errors)}`);
const mapper = new FeatureMapper(checked.value);
const names = checked.value.inputs[0]!.columns.flatMap(columnNames);
const width = names.length;

function encode(rows: readonly Record<string, unknown>[]): { x: Float32Array; y: Float32Array } {
  const { tensors, rows: kept, rowErrors } = mapper.toTensor(rows);
  if (rowErrors.size > 0) throw new Error(`unexpected feature errors: ${[...rowErrors.values()][0]?.message}`);
  return { x: tensors.features!.data, y: Float32Array.from(kept, (i) => label(rows[i]!)) };
}

const order = seededOrder(TRAIN, seed);
const trainSet = encode(order.map((i) => train[i]!));
const validSet = encode(valid);
const testSet = encode(test);
const { model, predict } = await fitFraudMlp(trainSet, { width, seed, name: 'fraud_fresh_mlp', epochs: EPOCHS, batchSize: BATCH });
function counts(scores: Float32Array, y: Float32Array, t: number): { tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    const pos = y[i] === 1;
    if (s >= t && pos) tp++;
    else if (s >= t) fp++;
    else if (pos) fn++;
  });
  return { tp, fp, fn };
}
const validScores = predict(validSet.x);
let threshold = 0.5;
let bestF1 = -1;
for (let t = 0.05; t < 0.96; t += 0.01) {
  const c = counts(validScores, validSet.y, t);
  const f1 = (2 * c.tp) / (2 * c.tp + c.fp + c.fn);
  if (f1 > bestF1) {
    bestF1 = f1;
    threshold = Number(t.toFixed(2));
  }
}
const testScores = predict(testSet.x);
const c = counts(testScores, testSet.y, threshold);
const metrics = {
  auc: Number(rocAuc(testScores, testSet.y).toFixed(4)),
  threshold,
  precision: Number((c.tp / (c.tp + c.fp)).toFixed(4)),
  recall: Number((c.tp / (c.tp + c.fn)).toFixed(4)),
  testRows: test.length,
  testFraud: testSet.y.reduce((a, b) => a + b, 0),
};
console.log(JSON.stringify(metrics, null, 2));

await mkdir(outDir, { recursive: true });
const onnxBytes = writeOnnxModel(
  denseGraph({
    name: 'fraud_fresh_mlp',
    input: 'features',
    output: 'score',
    layers: denseLayers(model),
    docString: `Strobe example fraud MLP with online features, trained by scripts/models/train-fraud-fresh.ts --seed ${seed}`,
    metadata: { 'strobe.training_seed': String(seed), 'strobe.feature_columns': names.join(',') },
  }),
);
await writeFile(join(outDir, 'model.onnx'), onnxBytes);
const outputs = {
  transaction_id: { kind: 'field' },
  card_id: { kind: 'field' },
  event_time: { kind: 'field' },
  fraud_score: { kind: 'score', output: 'score' },
  is_fraud_predicted: { kind: 'label', output: 'score', threshold },
};
const header = `# Feature and output mapping of the fraud-scorer-fresh MLP (${width} input columns; the last five come from\n# featureSources and streamFeatures in function.yaml). Generated by scripts/models/train-fraud-fresh.ts --seed ${seed}; do not edit.\n`;
const doc = new Document({ features: rawFeatures, outputs });
visit(doc, { Map: (_, node) => void (node.items.some((p) => isScalar(p.key) && (p.key.value === 'field' || p.key.value === 'kind')) && (node.flow = true)) });
await writeFile(join(outDir, 'features.yaml'), header + doc.toString({ lineWidth: 0 }));
await writeFile(
  join(outDir, 'training-metrics.json'),
  `${JSON.stringify({ seed, width, columns: names, epochs: EPOCHS, batchSize: BATCH, rows: { history: HISTORY, train: TRAIN, valid: VALID, test: TEST }, profiles: { globalFraudRate: profiles.globalFraudRate, globalMeanAmount: profiles.globalMeanAmount }, ...metrics }, null, 2)}\n`,
);
console.log(`wrote ${outDir}: model.onnx (${onnxBytes.length} bytes), features.yaml, training-metrics.json in ${((Date.now() - started) / 1000).toFixed(1)} s`);
