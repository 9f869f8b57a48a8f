import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PartitionRouter } from '../../../src/client/message-router.js';
import { runJavaTool } from '../../../src/local-pulsar/peers.js';
import { admin, adminUrl, serviceUrl, uniqueName, uniqueTopic } from '../../helpers/pulsar.js';
import { withClient } from '../../helpers/client.js';

describe('producer features', () => {
  it('keyed messages land on the partition the Java client picks for the same key', async () => {
    const topic = uniqueTopic('route');
    const partitions = 5;
    await admin().createPartitionedTopic(topic, partitions);
    // card-1's String.hashCode is negative; merchant-ä is not ASCII. One JVM start per key, so few keys.
    const keys = ['card-1', 'card-22', 'merchant-ä'];
    const router = new PartitionRouter(partitions);
    await withClient(async (client) => {
      const consumer = await client.subscribe({ topic, subscription: uniqueName('sub'), subscriptionType: 'Shared', initialPosition: 'Earliest' });
      for (const key of keys) {
        const r = await runJavaTool('client', ['produce', '-k', key, '-m', `java-${key}`, topic], { serviceUrl: serviceUrl(), adminUrl: adminUrl() });
        assert.equal(r.code, 0, r.stderr.slice(-1500));
      }
      const producer = await client.createProducer({ topic });
      for (const key of keys) await producer.send({ value: Buffer.from(`strobe-${key}`), key });
      const byKey = new Map<string, Set<number>>();
      for (let i = 0; i < keys.length * 2; i++) {
        const m = await consumer.receive(15_000);
        consumer.ack(m);
        const set = byKey.get(m.key ?? '') ?? new Set<number>();
        set.add(m.id.partition);
        byKey.set(m.key ?? '', set);
      }
      for (const key of keys) {
        assert.deepEqual([...(byKey.get(key) ?? [])], [router.choose(key)], `key ${key}: Java and Strobe agree on the partition`);
      }
    });
  });

  it('deliverAfterMs holds a message back on a Shared subscription', async () => {
    await withClient(async (client) => {
      const topic = uniqueTopic('delay');
      const consumer = await client.subscribe({ topic, subscription: uniqueName('sub'), subscriptionType: 'Shared', initialPosition: 'Earliest' });
      const producer = await client.createProducer({ topic });
      const t0 = Date.now();
      await producer.send({ value: Buffer.from('later'), deliverAfterMs: 1500 });
      await producer.send({ value: Buffer.from('now') });
      const first = await consumer.receive(10_000);
      assert.equal(first.value.toString(), 'now');
      const second = await consumer.receive(10_000);
      assert.equal(second.value.toString(), 'later');
      assert.ok(Date.now() - t0 >= 1400, `delivered after ${Date.now() - t0} ms`);
    });
  });

  it('the pending queue is bounded: dispatch waits while maxPendingMessages are unconfirmed', async () => {
    await withClient(async (client) => {
      const topic = uniqueTopic('bp');
      const producer = await client.createProducer({ topic, maxPendingMessages: 8, batchingMaxPublishDelayMs: 1 });
      let accepted = 0;
      let confirmed = 0;
      let maxInFlight = 0;
      for (let i = 0; i < 2000; i++) {
        await producer.dispatch({ value: Buffer.alloc(100, i % 256) }, (err) => {
          assert.equal(err, undefined);
          confirmed++;
        });
        accepted++;
        maxInFlight = Math.max(maxInFlight, accepted - confirmed);
      }
      await producer.flush();
      assert.equal(confirmed, 2000);
      assert.ok(maxInFlight <= 8, `at most 8 in flight, saw ${maxInFlight}`);
    });
  });

  it('a message above the broker limit is refused before it is queued', async () => {
    await withClient(async (client) => {
      const producer = await client.createProducer({ topic: uniqueTopic('big') });
      await assert.rejects(producer.send({ value: Buffer.alloc(6 * 1024 * 1024) }), /exceeds the broker's max message size/);
    });
  });
});
