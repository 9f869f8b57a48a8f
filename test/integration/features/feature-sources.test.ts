// Feature-store lookups against a real broker and a private Redis: one round trip (one script call) per
// micro-batch (counted by Redis itself), and stale / missing values handled by each declared policy,
// visible in output properties, metrics and dead letters.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../../src/client/logger.js';
import { createFeatureEnricher } from '../../../src/features/store/create-feature-enricher.js';
import { RedisFeatureStore } from '../../../src/features/store/redis-feature-store.js';
import { StrobeMetrics } from '../../../src/metrics/strobe-metrics.js';
import { FunctionRunner } from '../../../src/pipeline/function-runner.js';
import type { RunnerObserver } from '../../../src/pipeline/runner-observer.js';
import { avroSchemaInfo } from '../../../src/schema/pulsar-schema.js';
import { withClient } from '../../helpers/client.js';
import { uniqueTopic, waitFor } from '../../helpers/pulsar.js';
import { ScriptedBackend } from '../../helpers/test-function.js';
import { collect, PrivateRedis, scoreType, TX, txType, writeEnrichedFunction, type EnrichedScore, type Tx } from './enrichment-fixture.js';

const SOURCES = [
  { name: 'merchant', key: 'merchant:{merchant}', maxAgeMs: '1m', onStale: 'score', onMissing: 'default', features: [{ name: 'risk', as: 'merchant_risk', default: 0.5 }] },
  { name: 'card', key: 'card:{card}', maxAgeMs: '1m', onStale: 'retry', onMissing: 'deadLetter', features: [{ name: 'avg_amount', as: 'card_avg' }] },
];

describe('feature sources', () => {
  it('one Redis round trip per micro-batch; stale and missing values follow their policies in outputs, metrics and dead letters', async () => {
    const redis = await PrivateRedis.start();
    const seed = new RedisFeatureStore({ url: redis.url });
    try {
      await seed.connect();
      await withClient(async (client) => {
        const run = randomBytes(3).toString('hex');
        const input = uniqueTopic('fs-in');
        const output = uniqueTopic('fs-out');
        const config = writeEnrichedFunction({ name: `sources-${run}`, input, output, featureSources: SOURCES, extra: { maxMessageRetries: 5, negativeAckBackoff: { minDelayMs: 300, maxDelayMs: 1000, multiplier: 2 } } });
        const dlq = config.deadLetterTopics[input] ?? '';
        const now = Date.now();
        const merchants = Array.from({ length: 10 }, (_, i) => ({ key: `merchant:m${i}`, values: { risk: i / 10 }, updatedAt: now - 1000 }));
        await seed.writeEntities([...merchants, { key: 'merchant:m10', values: { risk: 0.99 }, updatedAt: now - 600_000 }]);
        const cards = Array.from({ length: 20 }, (_, i) => ({ key: `card:c${i}`, values: { avg_amount: 10 + i }, updatedAt: now - 1000 }));
        await seed.writeEntities([...cards, { key: 'card:stale', values: { avg_amount: 1 }, updatedAt: now - 600_000 }]);
        // No merchant:m11 (missing → default), no card:nocard (missing → dead letter).

        const metrics = new StrobeMetrics();
        const fm = metrics.forFunction(config.name);
        let batches = 0;
        let nacks = 0;
        const observer: RunnerObserver = Object.assign(Object.create(fm) as RunnerObserver, {
          batchFlushed: (...a: Parameters<RunnerObserver['batchFlushed']>) => {
            batches++;
            fm.batchFlushed(...a);
          },
          negativeAck: (reason: string) => {
            nacks++;
            fm.negativeAck(reason);
          },
        });
        const enricher = await createFeatureEnricher({ functionName: config.name, spec: config.enrichment, store: { url: redis.url, commandTimeoutMs: 2000 }, observer: fm });
        const runner = new FunctionRunner(config, { client, logger: silentLogger, backend: new ScriptedBackend(), enricher, observer });
        await runner.start();
        redis.cli('config', 'resetstat');

        const txs: Tx[] = [];
        for (let i = 0; i < 600; i++) {
          const card = i === 100 ? 'nocard' : i === 200 ? 'stale' : `c${i % 20}`;
          txs.push({ id: `${run}-${i}`, card, merchant: `m${i % 12}`, amount: i, event_time: now + i });
        }
        const producer = await client.createProducer({ topic: input, schema: avroSchemaInfo(input, TX), batchingType: 'keyBased' });
        await Promise.all(txs.map((t) => producer.send({ value: txType.toBuffer(t), key: t.card, eventTime: t.event_time })));
        // The stale card profile is retried; once it was nacked, a fresh profile arrives and the retry scores.
        await waitFor(() => nacks > 0, { what: 'the stale card nacked' });
        await seed.writeEntities([{ key: 'card:stale', values: { avg_amount: 2 }, updatedAt: Date.now() }]);

        const outs = await collect(client, output, txs.length - 1);
        const dead = await collect(client, dlq, 1);
        await runner.drain(15_000);

        // One read command (the read script) per batch, counted by Redis; batches hold many events.
        const reads = redis.calls('evalsha') + redis.calls('eval');
        assert.equal(reads, batches, `${reads} read commands for ${batches} batches`);
        assert.ok(batches < txs.length / 4, `${batches} batches for ${txs.length} events: not one round trip per event`);
        // Inside the script: one HMGET per distinct entity of a batch, not one per feature.
        assert.ok(redis.calls('hmget') <= 2 * txs.length + 2 * nacks, 'entities read once per batch, not per feature');
        assert.ok(redis.calls('hmget') > batches, 'the script did read the entities');

        const byId = new Map(outs.map((m) => [(scoreType.fromBuffer(m.value) as EnrichedScore).id, m]));
        assert.equal(byId.size, txs.length - 1, 'all but the dead-lettered input scored');
        for (const t of txs) {
          if (t.card === 'nocard') continue;
          const m = byId.get(t.id);
          assert.ok(m, t.id);
          const s = scoreType.fromBuffer(m.value) as EnrichedScore;
          const mi = Number(t.merchant.slice(1));
          if (mi < 10) {
            assert.ok(Math.abs((s.merchant_risk ?? NaN) - mi / 10) < 1e-9);
            assert.equal(m.properties['strobe.features.stale'], undefined);
          } else if (mi === 10) {
            assert.equal(s.merchant_risk, 0.99, 'stale merchant risk scored as it is (onStale: score)');
            assert.equal(m.properties['strobe.features.stale'], 'merchant_risk');
            assert.ok(Number(m.properties['strobe.feature_age_ms']) >= 600_000);
            assert.ok((s.feature_age_ms ?? 0) >= 600_000);
          } else {
            assert.equal(s.merchant_risk, 0.5, 'missing merchant risk → declared default');
            assert.equal(m.properties['strobe.features.defaulted'], 'merchant_risk');
          }
          if (t.card === 'stale') assert.equal(s.card_avg, 2, 'scored after the retry, with the refreshed profile');
          else assert.equal(s.card_avg, 10 + Number(t.card.slice(1)));
        }
        assert.equal(dead.length, 1);
        assert.equal(dead[0]?.properties['strobe.error.class'], 'MissingFeatureError');
        assert.match(dead[0]?.properties['strobe.error.message'] ?? '', /card_avg is missing for card:nocard/);
        assert.equal(dead[0]?.properties['strobe.attempts'], '1', 'deadLetter: not retried');

        const text = await metrics.render();
        const value = (series: string): number => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
        const fn = `function="${config.name}"`;
        assert.ok(value(`strobe_feature_values_total{${fn},source="merchant",state="stale",action="used"}`) >= 50);
        assert.ok(value(`strobe_feature_values_total{${fn},source="merchant",state="missing",action="default"}`) >= 50);
        assert.ok(value(`strobe_feature_values_total{${fn},source="card",state="stale",action="retry"}`) >= 1);
        assert.equal(value(`strobe_feature_values_total{${fn},source="card",state="missing",action="deadLetter"}`), 1);
        assert.equal(value(`strobe_dead_letters_total{${fn},reason="MissingFeatureError"}`), 1);
        assert.ok(value(`strobe_nacks_total{${fn},reason="StaleFeatureError"}`) >= 1);
        assert.ok(value(`strobe_feature_store_duration_seconds_count{${fn},op="read"}`) >= batches);
        assert.ok(value(`strobe_feature_age_seconds_count{${fn}}`) >= txs.length - 2);
        await producer.close();
      });
    } finally {
      await seed.close();
      await redis.close();
    }
  });
});
