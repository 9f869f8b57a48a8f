import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { prepareBackend } from '../../../src/inference/create-backend.js';
import { validateModelSpec } from '../../../src/inference/model-spec.js';
import { expectedSignature } from '../../../src/features/expected-signature.js';
import { OutputMapper } from '../../../src/features/output-mapper.js';
import { rocAuc } from '../../../src/inference/auc.js';
import { fraudBatch, fraudDir, fraudMapping, scoreAll } from './fraud-model-fixture.js';

describe('example fraud model (functions/fraud-scorer)', () => {
  it('ONNX Runtime and TF.js (cpu) score the same weights equally within 1e-5 over 10k rows', async () => {
    const { features, outputs } = fraudMapping();
    const expected = expectedSignature(features, outputs);
    const onnx = await prepareBackend(validateModelSpec({ backend: 'onnx', path: 'model.onnx', warmUpBatchSize: 8 }).value!, { baseDir: fraudDir }, expected);
    const tfjs = await prepareBackend(validateModelSpec({ backend: 'tfjs', path: 'model-tfjs', tfjs: { backends: ['cpu'] } }).value!, { baseDir: fraudDir }, expected);
    assert.deepEqual(onnx.describe().inputs, tfjs.describe().inputs);

    const { txs, x, width } = fraudBatch(10_000);
    const a = await scoreAll(onnx, x, width);
    const b = await scoreAll(tfjs, x, width, 777);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    assert.ok(maxDiff < 1e-5, `max |onnx - tfjs| = ${maxDiff}`);

    // And the model separates the generator's fraud from normal traffic on unseen data.
    const auc = rocAuc(a, txs.map((t) => t.is_fraud === true));
    assert.ok(auc > 0.97, `AUC ${auc}`);

    // The output mapping turns scores into records the fraud-score schema expects.
    const recs = new OutputMapper(outputs).toRecords({ score: { data: a.subarray(0, 3), dims: [3, 1] } }, txs.slice(0, 3));
    assert.deepEqual(Object.keys(recs[0]!), ['transaction_id', 'card_id', 'event_time', 'fraud_score', 'is_fraud_predicted']);
    assert.equal(recs[0]!.transaction_id, txs[0]!.transaction_id);
    await onnx.dispose();
    await tfjs.dispose();
  });

  it('model files stay small', async () => {
    const { statSync } = await import('node:fs');
    for (const f of ['model.onnx', 'model-tfjs/model.json', 'model-tfjs/weights.bin']) assert.ok(statSync(join(fraudDir, f)).size < 1_000_000, f);
  });
});
