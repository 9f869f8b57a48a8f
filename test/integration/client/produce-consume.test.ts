import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionType } from '../../../src/wire/enums.js';
import { admin, uniqueName, uniqueTopic } from '../../helpers/pulsar.js';
import { withClient } from '../../helpers/client.js';

describe('Strobe producer → Strobe consumer', () => {
  for (const [label, batching, compression] of [
    ['unbatched', false, CompressionType.NONE],
    ['batched', true, CompressionType.NONE],
    ['batched LZ4', true, CompressionType.LZ4],
    ['batched ZLIB', true, CompressionType.ZLIB],
    ['batched ZSTD', true, CompressionType.ZSTD],
    ['batched SNAPPY', true, CompressionType.SNAPPY],
  ] as const) {
    it(`${label}: every message arrives intact, in order, with key, properties and event time`, async () => {
      await withClient(async (client) => {
        const topic = uniqueTopic('pc');
        const consumer = await client.subscribe({ topic, subscription: uniqueName('sub'), initialPosition: 'Earliest' });
        const producer = await client.createProducer({ topic, batching, compression, batchingType: 'default' });
        const n = 500;
        const receipts = [];
        for (let i = 0; i < n; i++) {
          receipts.push(
            producer.send({ value: Buffer.from(`v${i}`.repeat(5)), key: `k${i % 7}`, properties: { i: String(i) }, eventTime: 1_000_000 + i }),
          );
        }
        const ids = await Promise.all(receipts);
        assert.equal(ids.length, n);
        for (let i = 0; i < n; i++) {
          const m = await consumer.receive(10_000);
          assert.equal(m.value.toString(), `v${i}`.repeat(5));
          assert.equal(m.key, `k${i % 7}`);
          assert.equal(m.properties.i, String(i));
          assert.equal(m.eventTime, 1_000_000 + i);
          assert.equal(m.redeliveryCount, 0);
          consumer.ack(m);
        }
        consumer.flushAcks();
        if (batching) assert.ok(ids.some((id) => id.batchIndex > 0), 'some messages were batched');
        await producer.close();
        await consumer.close();
        const stats = await admin().topicStats(topic);
        assert.equal(stats.msgInCounter, n);
      });
    });
  }
});
