// In-stream velocity features against a real broker and Redis: every output's features equal a
// brute-force recomputation over the input stream, while two workers share the Key_Shared subscription
// and one of them drains and restarts (its keys move to the other and back).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../../src/client/logger.js';
import { createFeatureEnricher } from '../../../src/features/store/create-feature-enricher.js';
import { FunctionRunner } from '../../../src/pipeline/function-runner.js';
import { avroSchemaInfo } from '../../../src/schema/pulsar-schema.js';
import { withClient } from '../../helpers/client.js';
import { admin, uniqueTopic, waitFor } from '../../helpers/pulsar.js';
import { ScriptedBackend } from '../../helpers/test-function.js';
import { bruteForceVelocity, collect, scoreType, sharedRedisUrl, STREAM_FEATURES, transactions, TX, txType, writeEnrichedFunction, type EnrichedScore } from './enrichment-fixture.js';
import type { PulsarClient } from '../../../src/client/client.js';
import type { FunctionConfig } from '../../../src/config/function-config.js';

async function startWorker(client: PulsarClient, config: FunctionConfig, name: string): Promise<FunctionRunner> {
  const enricher = await createFeatureEnricher({ functionName: config.name, spec: config.enrichment, store: { url: sharedRedisUrl(), commandTimeoutMs: 2000 } });
  assert.ok(enricher);
  const runner = new FunctionRunner(config, { client, logger: silentLogger, backend: new ScriptedBackend(), enricher, workerId: name });
  await runner.start();
  return runner;
}

describe('stream features', () => {
  it('equal a brute-force recomputation across two Key_Shared workers and a worker restart', async () => {
    await withClient(async (client) => {
      const run = randomBytes(3).toString('hex');
      const input = uniqueTopic('vel-in');
      const output = uniqueTopic('vel-out');
      const config = writeEnrichedFunction({ name: `velocity-${run}`, input, output, streamFeatures: STREAM_FEATURES });
      const txs = transactions(2400, 20, run, 7);
      const producer = await client.createProducer({ topic: input, schema: avroSchemaInfo(input, TX), batchingType: 'keyBased' });
      const send = (list: typeof txs): Promise<unknown> => Promise.all(list.map((t) => producer.send({ value: txType.toBuffer(t), key: t.card, eventTime: t.event_time })));

      const a = await startWorker(client, config, 'A');
      const b = await startWorker(client, config, 'B');
      await send(txs.slice(0, 800));
      // A drains mid-stream (its keys move to B), then comes back (some move back to it).
      const sub = async (): Promise<number> => (await admin().topicStats(output)).msgInCounter ?? 0;
      await waitFor(async () => (await sub()) >= 400, { what: 'first outputs', timeoutMs: 60_000 });
      await a.drain(15_000);
      await send(txs.slice(800, 1600));
      const a2 = await startWorker(client, config, 'A2');
      await send(txs.slice(1600));

      const outs = await collect(client, output, txs.length);
      const byId = new Map<string, EnrichedScore[]>();
      const workers = new Set<string>();
      for (const m of outs) {
        const s = scoreType.fromBuffer(m.value) as EnrichedScore;
        byId.set(s.id, [...(byId.get(s.id) ?? []), s]);
        workers.add(m.properties['strobe.worker'] ?? '');
      }
      assert.equal(byId.size, txs.length, 'every input scored');
      assert.deepEqual([...workers].sort(), ['A', 'A2', 'B'], 'all three workers scored some');
      let checked = 0;
      for (const t of txs) {
        const expected = bruteForceVelocity(txs, t);
        for (const s of byId.get(t.id) ?? []) {
          for (const [k, v] of Object.entries(expected)) {
            const got = s[k as keyof EnrichedScore] as number;
            assert.ok(Math.abs(got - v) < 1e-6 * Math.max(1, Math.abs(v)), `${t.id} (${t.card}) ${k}: got ${got}, brute force ${v}`);
          }
          checked++;
        }
      }
      assert.ok(checked >= txs.length);
      // Not trivially small windows: some events saw several others in the last minute and hour.
      assert.ok(txs.some((t) => (bruteForceVelocity(txs, t).n1m ?? 0) >= 3));
      assert.ok(txs.some((t) => (bruteForceVelocity(txs, t).n1h ?? 0) >= 8));
      await Promise.all([b.drain(15_000), a2.drain(15_000)]);
      await producer.close();
    });
  });
});
