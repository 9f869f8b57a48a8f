// FunctionRunner against the real broker, with a scripted model so failures can be injected per row.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { FunctionRunner } from '../../../src/pipeline/function-runner.js';
import { avroSchemaInfo } from '../../../src/schema/pulsar-schema.js';
import { admin, uniqueTopic, waitFor } from '../../helpers/pulsar.js';
import { collect, withClient } from '../../helpers/client.js';
import { PAYMENT_V1, PAYMENT_V2, SCORE, ScriptedBackend, writeTestFunction } from '../../helpers/test-function.js';
import { silentLogger } from '../../../src/client/logger.js';

const payV1 = avro.Type.forSchema(PAYMENT_V1 as avro.Schema);
const payV2 = avro.Type.forSchema(PAYMENT_V2 as avro.Schema);
const scoreType = avro.Type.forSchema(SCORE as avro.Schema);

interface Score { id: string; card: string; seq: number; score: number; model_name: string; model_version: string; event_time: number; scoring_latency_ms: number }

async function backlogDrained(topic: string, subscription: string): Promise<boolean> {
  const s = (await admin().topicStats(topic)).subscriptions[subscription];
  return s !== undefined && s.msgBacklog === 0 && s.unackedMessages === 0;
}

describe('FunctionRunner', () => {
  it('scores every event exactly once, in key order, in micro-batches, and acks every input', async () => {
    await withClient(async (client) => {
      const input = uniqueTopic('in');
      const output = uniqueTopic('out');
      const { config } = writeTestFunction({ name: 'fr-happy', input, output });
      const backend = new ScriptedBackend();
      const runner = new FunctionRunner(config, { client, logger: silentLogger, backend });
      await runner.start();
      assert.equal(runner.state, 'RUNNING');
      const producer = await client.createProducer({ topic: input, schema: avroSchemaInfo(input, PAYMENT_V1) });
      const n = 3000;
      const sends = [];
      for (let i = 0; i < n; i++) {
        const card = `c${i % 100}`;
        sends.push(producer.send({ value: payV1.toBuffer({ id: `t${i}`, card, seq: i, amount: i % 1000 }), key: card, eventTime: 1_700_000_000_000 + i }));
      }
      await Promise.all(sends);
      const outs = await collect(client, output, n);
      assert.equal(outs.length, n, 'exactly one output per input');
      const last = new Map<string, number>();
      for (const m of outs) {
        const s = scoreType.fromBuffer(m.value) as Score;
        assert.equal(m.key, s.card);
        assert.ok((last.get(s.card) ?? -1) < s.seq, `card ${s.card} out of order`);
        last.set(s.card, s.seq);
        assert.ok(Math.abs(s.score - (s.seq % 1000) / 1000) < 1e-6);
        assert.equal(s.model_name, 'scripted');
        assert.equal(s.model_version, '7');
        assert.equal(s.event_time, 1_700_000_000_000 + s.seq);
        assert.equal(m.eventTime, s.event_time);
        assert.ok(s.scoring_latency_ms >= 0);
      }
      assert.ok(backend.calls < n / 4, `micro-batched: ${backend.calls} model calls for ${n} events`);
      await waitFor(() => backlogDrained(input, config.subName), { what: 'every input acked' });
      await runner.drain(10_000);
      assert.equal(runner.state, 'STOPPED');
    });
  });

  it('poison inputs go to the dead-letter topic at once with their reason; the good ones around them are scored', async () => {
    await withClient(async (client) => {
      const input = uniqueTopic('in');
      const output = uniqueTopic('out');
      const { config } = writeTestFunction({ name: 'fr-poison', input, output });
      const dlq = config.deadLetterTopics[input] ?? '';
      const runner = new FunctionRunner(config, { client, logger: silentLogger, backend: new ScriptedBackend() });
      await runner.start();
      const producer = await client.createProducer({ topic: input });
      const other = avro.Type.forSchema({ type: 'record', name: 'Other', fields: [{ name: 'flag', type: 'boolean' }, { name: 'name', type: 'string' }] });
      const poison: Record<string, Buffer> = {
        truncated: payV1.toBuffer({ id: 'p1', card: 'c1', seq: 1, amount: 1 }).subarray(0, 5),
        otherSchema: other.toBuffer({ flag: true, name: 'zzz' }),
        nan: payV1.toBuffer({ id: 'p3', card: 'c1', seq: 3, amount: NaN }),
        infinity: payV1.toBuffer({ id: 'p4', card: 'c2', seq: 4, amount: Infinity }),
      };
      let good = 0;
      for (let i = 0; i < 40; i++) {
        await producer.send({ value: payV1.toBuffer({ id: `g${i}`, card: `c${i % 3}`, seq: 100 + i, amount: 10 }), key: `c${i % 3}` });
        good++;
        if (i % 10 === 0) {
          const [name, bytes] = Object.entries(poison)[i / 10] ?? [];
          if (name && bytes) await producer.send({ value: bytes, key: `c${i % 3}`, properties: { poison: name } });
        }
      }
      const outs = await collect(client, output, good);
      assert.equal(outs.length, good);
      const dead = await collect(client, dlq, 4);
      assert.equal(dead.length, 4);
      const byName = new Map(dead.map((m) => [m.properties.poison, m]));
      assert.equal(byName.get('truncated')?.properties['strobe.error.class'], 'AvroDecodeError');
      assert.equal(byName.get('otherSchema')?.properties['strobe.error.class'], 'AvroDecodeError');
      assert.equal(byName.get('nan')?.properties['strobe.error.class'], 'FeatureValidationError');
      assert.match(byName.get('nan')?.properties['strobe.error.message'] ?? '', /amount/);
      assert.equal(byName.get('infinity')?.properties['strobe.error.class'], 'FeatureValidationError');
      for (const m of dead) {
        assert.equal(m.properties['strobe.attempts'], '1', 'never retried');
        assert.equal(m.properties['strobe.function'], 'fr-poison');
        assert.equal(m.properties.REAL_TOPIC, input);
        assert.deepEqual(m.value, poison[m.properties.poison ?? ''], 'payload kept');
      }
      await waitFor(() => backlogDrained(input, config.subName), { what: 'every input acked' });
      await runner.drain(10_000);
    });
  });

  it('transient model failures are retried with backoff; a row that always fails is dead-lettered after maxMessageRetries while its batch is scored', async () => {
    await withClient(async (client) => {
      const input = uniqueTopic('in');
      const output = uniqueTopic('out');
      const { config } = writeTestFunction({ name: 'fr-transient', input, output });
      const dlq = config.deadLetterTopics[input] ?? '';
      // amount 500 fails on the first 3 model calls that contain it; 999 always fails.
      let calls500 = 0;
      const backend = new ScriptedBackend((amount) => {
        if (amount === 999) return true;
        if (amount === 500) return ++calls500 <= 3;
        return false;
      });
      const runner = new FunctionRunner(config, { client, logger: silentLogger, backend });
      await runner.start();
      const producer = await client.createProducer({ topic: input, batchingMaxPublishDelayMs: 5 });
      const sends = [];
      for (let i = 0; i < 30; i++) {
        const amount = i === 7 ? 500 : i === 13 ? 999 : i;
        sends.push(producer.send({ value: payV1.toBuffer({ id: `t${i}`, card: `c${i}`, seq: i, amount }), key: `c${i}` }));
      }
      await Promise.all(sends);
      const outs = await collect(client, output, 29);
      const ids = new Set(outs.map((m) => (scoreType.fromBuffer(m.value) as Score).id));
      assert.equal(ids.size, 29);
      assert.ok(ids.has('t7'), 'the transient row was scored after retries');
      assert.ok(!ids.has('t13'));
      const dead = await collect(client, dlq, 1);
      assert.equal(dead.length, 1);
      const d = dead[0];
      assert.equal((payV1.fromBuffer(d?.value ?? Buffer.alloc(0)) as { id: string }).id, 't13');
      assert.equal(d?.properties['strobe.error.class'], 'InferenceError');
      assert.equal(d?.properties['strobe.attempts'], String(config.maxMessageRetries + 1));
      await waitFor(() => backlogDrained(input, config.subName), { what: 'every input acked' });
      await runner.drain(10_000);
    });
  });

  it('schema evolution: events written with v1 and v2 of the input schema are both scored', async () => {
    await withClient(async (client) => {
      const input = uniqueTopic('in');
      const output = uniqueTopic('out');
      const { config } = writeTestFunction({ name: 'fr-evolve', input, output, inputSchema: PAYMENT_V2 });
      const p1 = await client.createProducer({ topic: input, schema: avroSchemaInfo(input, PAYMENT_V1) });
      for (let i = 0; i < 10; i++) await p1.send({ value: payV1.toBuffer({ id: `a${i}`, card: 'c', seq: i, amount: 1 }), key: 'c' });
      await p1.close();
      const p2 = await client.createProducer({ topic: input, schema: avroSchemaInfo(input, PAYMENT_V2) });
      for (let i = 10; i < 20; i++) await p2.send({ value: payV2.toBuffer({ id: `b${i}`, card: 'c', seq: i, amount: 2, channel: 'online' }), key: 'c' });
      const runner = new FunctionRunner(config, { client, logger: silentLogger, backend: new ScriptedBackend() });
      await runner.start();
      const outs = (await collect(client, output, 20)).map((m) => scoreType.fromBuffer(m.value) as Score);
      assert.equal(outs.length, 20);
      assert.deepEqual(outs.map((s) => s.seq), Array.from({ length: 20 }, (_, i) => i));
      assert.ok(outs.slice(0, 10).every((s) => Math.abs(s.score - 0.001) < 1e-9));
      assert.ok(outs.slice(10).every((s) => Math.abs(s.score - 0.002) < 1e-9));
      await runner.drain(10_000);
    });
  });
});
