// The fraud-scorer-fresh example end to end on a real broker and Redis: the store seeded like
// scripts/seed-feature-store.ts, its ONNX model, and every score equal to the one computed offline the
// way the model was trained (profiles + velocity from scripts/models/fraud-profiles.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { silentLogger } from '../../../src/client/logger.js';
import { loadFunctionFile, type FunctionConfig } from '../../../src/config/function-config.js';
import { expectedSignature } from '../../../src/features/expected-signature.js';
import { FeatureMapper } from '../../../src/features/feature-mapper.js';
import { OutputMapper } from '../../../src/features/output-mapper.js';
import { createFeatureEnricher } from '../../../src/features/store/create-feature-enricher.js';
import { RedisFeatureStore } from '../../../src/features/store/redis-feature-store.js';
import { TransactionGenerator } from '../../../src/generator/transactions.js';
import { prepareBackend } from '../../../src/inference/create-backend.js';
import { projectRoot } from '../../../src/local-pulsar/paths.js';
import { BatchScorer } from '../../../src/pipeline/batch-scorer.js';
import { FunctionRunner } from '../../../src/pipeline/function-runner.js';
import { avroSchemaInfo } from '../../../src/schema/pulsar-schema.js';
import { computeProfiles, enrich, GENERATOR_OPTIONS, HISTORY, velocity } from '../../../scripts/models/fraud-profiles.js';
import { withClient } from '../../helpers/client.js';
import { uniqueName } from '../../helpers/pulsar.js';
import { collect, PrivateRedis } from './enrichment-fixture.js';

function freshFunction(): FunctionConfig {
  const root = projectRoot();
  const dir = mkdtempSync(join(tmpdir(), 'strobe-fresh-fn-'));
  cpSync(join(root, 'functions', 'fraud-scorer-fresh'), join(dir, 'fraud-scorer-fresh'), { recursive: true });
  const file = join(dir, 'fraud-scorer-fresh', 'function.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^inputs: .*$/m, `inputs: [${uniqueName('tx')}]`).replace(/^output: .*$/m, `output: ${uniqueName('fresh-scores')}`));
  const r = loadFunctionFile({ file, schemasDir: join(root, 'schemas') });
  if (!r.value) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.value as FunctionConfig;
}

describe('fraud-scorer-fresh', () => {
  it('scores with store and velocity features exactly as computed offline for training', async () => {
    const redis = await PrivateRedis.start();
    const seed = new RedisFeatureStore({ url: redis.url });
    try {
      await seed.connect();
      const stream = new TransactionGenerator({ seed: 42, ...GENERATOR_OPTIONS }).batch(HISTORY + 1500);
      const profiles = computeProfiles(stream.slice(0, HISTORY));
      const now = Date.now();
      await seed.writeEntities([...profiles.merchants].map(([id, v]) => ({ key: `merchant:${id}`, values: v, updatedAt: now })));
      await seed.writeEntities([...profiles.cards].map(([id, v]) => ({ key: `card:${id}`, values: v, updatedAt: now })));
      const live = stream.slice(HISTORY);
      const config = freshFunction();
      const root = projectRoot();
      const txType = avro.Type.forSchema(JSON.parse(readFileSync(join(root, 'schemas', 'transaction.avsc'), 'utf8')) as avro.Schema);
      const scoreType = avro.Type.forSchema(config.schemas.output.schema as avro.Schema);

      // Offline: the training computation (velocity from an empty state, as a new deployment starts).
      const backend = await prepareBackend(config.model, { baseDir: config.dir, logger: silentLogger }, expectedSignature(config.features, config.outputs));
      const offline = await new BatchScorer(new FeatureMapper(config.features), new OutputMapper(config.outputs), backend, 'event').score(velocity(live).map((v, i) => [enrich(live[i]!, profiles, v)]));
      await backend.dispose();
      const expected = new Map<string, number>();
      offline.outputs.forEach((o) => expected.set(String(o.transaction_id), Number(o.fraud_score)));
      assert.equal(expected.size, live.length);

      await withClient(async (client) => {
        const enricher = await createFeatureEnricher({ functionName: config.name, spec: config.enrichment, store: { url: redis.url, commandTimeoutMs: 2000 } });
        const runner = new FunctionRunner(config, { client, logger: silentLogger, enricher });
        await runner.start();
        const input = config.inputs[0] ?? '';
        const producer = await client.createProducer({ topic: input, schema: avroSchemaInfo(input, config.schemas.input.schema), batchingType: 'keyBased' });
        await Promise.all(live.map((t) => producer.send({ value: txType.toBuffer(t), key: t.card_id, eventTime: t.event_time })));
        const outs = await collect(client, config.output, live.length);
        let flagged = 0;
        let defaultedRows = 0;
        const byId = new Map(live.map((t) => [t.transaction_id, t]));
        const seen = new Set<string>();
        for (const m of outs) {
          const s = scoreType.fromBuffer(m.value) as { transaction_id: string; fraud_score: number; is_fraud_predicted: boolean };
          seen.add(s.transaction_id);
          const want = expected.get(s.transaction_id);
          assert.ok(want !== undefined && Math.abs(s.fraud_score - want) < 1e-5, `${s.transaction_id}: ${s.fraud_score} vs offline ${want}`);
          assert.ok(Number(m.properties['strobe.feature_age_ms']) >= 0);
          // Cards and merchants without history have no profile: the declared defaults, marked.
          const t = byId.get(s.transaction_id);
          const defaulted = [...(profiles.cards.has(t?.card_id ?? '') ? [] : ['card_avg_amount']), ...(profiles.merchants.has(t?.merchant_id ?? '') ? [] : ['merchant_risk'])];
          assert.equal(m.properties['strobe.features.defaulted'], defaulted.length === 0 ? undefined : defaulted.sort().join(','));
          if (defaulted.length > 0) defaultedRows++;
          if (s.is_fraud_predicted) flagged++;
        }
        assert.equal(seen.size, live.length);
        assert.ok(flagged > 0, 'some transactions flagged');
        assert.ok(defaultedRows < live.length / 2, `most entities come from the store (${defaultedRows} rows defaulted)`);
        await runner.drain(15_000);
        await producer.close();
      });
    } finally {
      await seed.close();
      await redis.close();
    }
  });
});
