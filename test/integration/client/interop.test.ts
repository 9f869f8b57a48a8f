// Interop with the official Python client in both directions, on plain and partitioned topics.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import type { Message } from '../../../src/client/message.js';
import { SchemaType } from '../../../src/wire/enums.js';
import { admin, serviceUrl, uniqueName, uniqueTopic } from '../../helpers/pulsar.js';
import { withClient } from '../../helpers/client.js';
import { runPythonPeer } from '../../helpers/python-peer.js';

async function receiveAll(consumer: { receive(t?: number): Promise<Message>; ack(m: Message): void }, n: number): Promise<Message[]> {
  const out: Message[] = [];
  while (out.length < n) {
    const m = await consumer.receive(15_000);
    out.push(m);
    consumer.ack(m);
  }
  return out;
}

describe('interop: official Python client → Strobe consumer', () => {
  for (const compression of ['NONE', 'LZ4', 'ZLIB', 'ZSTD', 'SNAPPY'] as const) {
    for (const partitions of [0, 3]) {
      it(`keyed batched messages, ${compression}, ${partitions ? 'partitioned' : 'plain'} topic`, async () => {
        const topic = uniqueTopic(`py-${compression.toLowerCase()}`);
        if (partitions) await admin().createPartitionedTopic(topic, partitions);
        await withClient(async (client) => {
          const consumer = await client.subscribe({ topic, subscription: uniqueName('sub'), subscriptionType: 'Shared', initialPosition: 'Earliest' });
          const count = 300;
          const sent = await runPythonPeer<{ sent: number }>('produce.py', {
            service_url: serviceUrl(), topic, count, keys: 11, batching: true, compression,
            properties: { origin: 'python', codec: compression }, event_time_base: 1_700_000_000_000,
            payload_prefix: `payload-${'x'.repeat(200)}-`,
          });
          assert.equal(sent.sent, count);
          const got = await receiveAll(consumer, count);
          const bySeq = new Map(got.map((m) => [Number(m.properties.seq), m]));
          assert.equal(bySeq.size, count, 'each message exactly once');
          for (let i = 0; i < count; i++) {
            const m = bySeq.get(i);
            assert.ok(m, `message ${i} arrived`);
            assert.equal(m.value.toString(), `payload-${'x'.repeat(200)}-${i}`);
            assert.equal(m.key, `key-${i % 11}`);
            assert.equal(m.properties.origin, 'python');
            assert.equal(m.properties.codec, compression);
            assert.equal(m.eventTime, 1_700_000_000_000 + i);
          }
          // Per key, messages arrive in the order they were produced.
          const lastSeq = new Map<string, number>();
          for (const m of got) {
            const seq = Number(m.properties.seq);
            assert.ok((lastSeq.get(m.key ?? '') ?? -1) < seq, `key ${m.key} in order`);
            lastSeq.set(m.key ?? '', seq);
          }
          if (compression === 'NONE' && !partitions) assert.ok(got.some((m) => m.id.batchIndex > 0), 'the Python producer batched');
        });
      });
    }
  }
});

describe('interop: Strobe Avro producer → official Python client with its Avro schema', () => {
  it('registers the schema, stamps its version, and Python reads the same records', async () => {
    const topic = uniqueTopic('avro');
    const schemaJson = {
      type: 'record', name: 'Payment', namespace: 'dev.strobe.test',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'amount', type: 'double' },
        { name: 'count', type: 'int' },
        { name: 'note', type: ['null', 'string'], default: null },
      ],
    };
    const type = avro.Type.forSchema(schemaJson as avro.Schema);
    const records = Array.from({ length: 40 }, (_, i) => ({ id: `p${i}`, amount: i * 1.25, count: i, note: i % 2 ? `n${i}` : null }));
    await withClient(async (client) => {
      const producer = await client.createProducer({
        topic,
        schema: { name: topic, schemaData: Buffer.from(JSON.stringify(schemaJson)), type: SchemaType.Avro, properties: [] },
      });
      for (const r of records) await producer.send({ value: type.toBuffer(r), key: r.id });
      await producer.close();
    });
    const registered = await admin().getSchema(topic);
    assert.equal(registered?.type, 'AVRO');
    const got = await runPythonPeer<{ records: unknown[]; schema_versions: (string | null)[] }>('consume_avro.py', {
      service_url: serviceUrl(), topic, subscription: uniqueName('sub'), count: records.length, schema: schemaJson,
    });
    assert.deepEqual(got.records, records);
    assert.ok(got.schema_versions.every((v) => v !== null && v !== ''), 'every message carries a schema version');
  });
});
