// Redis goes down mid-stream: the function holds its batches (onUnavailable: wait), reports not ready,
// nacks and dead-letters nothing, and carries on when Redis is back — with velocity features still equal
// to the brute-force recomputation (the state written before the outage is kept).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../../src/client/logger.js';
import { createFeatureEnricher } from '../../../src/features/store/create-feature-enricher.js';
import { noopEnrichmentObserver } from '../../../src/features/store/enrichment-observer.js';
import { RedisFeatureStore } from '../../../src/features/store/redis-feature-store.js';
import { FunctionRunner } from '../../../src/pipeline/function-runner.js';
import { noopObserver, type RunnerObserver } from '../../../src/pipeline/runner-observer.js';
import { avroSchemaInfo } from '../../../src/schema/pulsar-schema.js';
import { withClient } from '../../helpers/client.js';
import { admin, uniqueTopic, waitFor } from '../../helpers/pulsar.js';
import { ScriptedBackend } from '../../helpers/test-function.js';
import { bruteForceVelocity, collect, PrivateRedis, scoreType, STREAM_FEATURES, transactions, TX, txType, writeEnrichedFunction, type EnrichedScore } from './enrichment-fixture.js';

describe('feature store outage', () => {
  it('not ready while Redis is down, no input lost or dead-lettered, recovers when it returns', async () => {
    const redis = await PrivateRedis.start();
    const seed = new RedisFeatureStore({ url: redis.url });
    try {
      await seed.connect();
      await withClient(async (client) => {
        const run = randomBytes(3).toString('hex');
        const input = uniqueTopic('down-in');
        const output = uniqueTopic('down-out');
        const sources = [{ name: 'merchant', key: 'merchant:{merchant}', features: [{ name: 'risk', as: 'merchant_risk', default: 0.5 }] }];
        const config = writeEnrichedFunction({ name: `outage-${run}`, input, output, featureSources: sources, streamFeatures: STREAM_FEATURES });
        await seed.writeEntities(Array.from({ length: 12 }, (_, i) => ({ key: `merchant:m${i}`, values: { risk: i / 100 }, updatedAt: Date.now() })));
        let failures = 0;
        let received = 0;
        const observer: RunnerObserver = { ...noopObserver, negativeAck: () => failures++, deadLettered: () => failures++, eventsReceived: (n) => (received += n) };
        const readiness: boolean[] = [];
        let failedReads = 0;
        const enrichmentObserver = { ...noopEnrichmentObserver, featureStoreCall: (op: string, _ms: number, ok: boolean) => (failedReads += op === 'read' && !ok ? 1 : 0) };
        const enricher = await createFeatureEnricher({ functionName: config.name, spec: config.enrichment, store: { url: redis.url, commandTimeoutMs: 500 }, observer: enrichmentObserver, onReadyChange: (r) => readiness.push(r) });
        assert.ok(enricher);
        assert.equal(enricher.ready, true);
        const runner = new FunctionRunner(config, { client, logger: silentLogger, backend: new ScriptedBackend(), enricher, observer });
        await runner.start();
        const txs = transactions(900, 15, run, 3);
        const producer = await client.createProducer({ topic: input, schema: avroSchemaInfo(input, TX), batchingType: 'keyBased' });
        const send = (list: typeof txs): Promise<unknown> => Promise.all(list.map((t) => producer.send({ value: txType.toBuffer(t), key: t.card, eventTime: t.event_time })));
        const scored = async (): Promise<number> => (await admin().topicStats(output)).msgInCounter ?? 0;

        await send(txs.slice(0, 300));
        await waitFor(async () => (await scored()) >= 300, { what: 'outputs before the outage', timeoutMs: 60_000 });
        await redis.stop();
        await waitFor(() => !enricher.ready, { what: 'enricher not ready' });
        await send(txs.slice(300, 600));
        // Held, not failed: the worker has the inputs but publishes nothing more while Redis is down.
        await waitFor(() => received >= 600, { what: 'inputs received during the outage', timeoutMs: 30_000 });
        // The held batch keeps trying: several failed reads, yet no output.
        const failedBefore = failedReads;
        await waitFor(() => failedReads >= failedBefore + 3, { what: 'read attempts during the outage', timeoutMs: 30_000 });
        const during = await scored();
        assert.ok(during < 600, `held while Redis is down (${during} outputs)`);
        assert.equal(failures, 0, 'held, not nacked');
        assert.equal(runner.state, 'RUNNING');

        await redis.start();
        await waitFor(() => enricher.ready, { what: 'enricher ready again', timeoutMs: 30_000 });
        await send(txs.slice(600));
        const outs = await collect(client, output, txs.length);
        const ids = new Map(outs.map((m) => { const s = scoreType.fromBuffer(m.value) as EnrichedScore; return [s.id, s]; }));
        assert.equal(ids.size, txs.length, 'no input lost');
        assert.equal(failures, 0, 'nothing nacked or dead-lettered');
        assert.deepEqual(readiness.slice(0, 1), [true]);
        assert.ok(readiness.includes(false) && readiness[readiness.length - 1] === true, `readiness went down and came back: ${readiness.join(',')}`);
        for (const t of txs) {
          const s = ids.get(t.id);
          for (const [k, v] of Object.entries(bruteForceVelocity(txs, t))) assert.ok(Math.abs((s?.[k as keyof EnrichedScore] as number) - v) < 1e-6 * Math.max(1, Math.abs(v)), `${t.id} ${k}`);
          assert.equal(s?.merchant_risk, Number(t.merchant.slice(1)) / 100);
        }
        await runner.drain(15_000);
        await producer.close();
      });
    } finally {
      await seed.close();
      await redis.close();
    }
  });
});
