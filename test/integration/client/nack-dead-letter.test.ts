import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatMessageId } from '../../../src/client/message-id.js';
import { serviceUrl, uniqueName, uniqueTopic, waitFor, admin } from '../../helpers/pulsar.js';
import { withClient } from '../../helpers/client.js';
import { runPythonPeer } from '../../helpers/python-peer.js';

interface Consumed {
  messages: { key: string; data: string; properties: Record<string, string> }[];
}

describe('negative acks and dead letters', () => {
  it('a nacked message comes back after a growing backoff with a rising redelivery count, then goes to the DLQ', async () => {
    await withClient(async (client) => {
      const topic = uniqueTopic('nack');
      const subscription = uniqueName('sub');
      const backoff = { minDelayMs: 200, maxDelayMs: 5000, multiplier: 2 };
      const consumer = await client.subscribe({
        topic, subscription, subscriptionType: 'Shared', initialPosition: 'Earliest',
        negativeAckBackoff: backoff,
        deadLetterPolicy: { maxRedeliverCount: 3, initialSubscriptionName: 'dlq-reader' },
      });
      const producer = await client.createProducer({ topic, batching: false });
      await producer.send({ value: Buffer.from('poison'), key: 'card-42', properties: { origin: 'test' }, eventTime: 1234 });
      await producer.send({ value: Buffer.from('good'), key: 'card-43' });

      const deliveries: { count: number; at: number; id: string }[] = [];
      let good = 0;
      for (;;) {
        const m = await consumer.receive(15_000);
        if (m.value.toString() === 'good') {
          consumer.ack(m);
          good++;
          continue;
        }
        deliveries.push({ count: m.redeliveryCount, at: Date.now(), id: formatMessageId(m.id) });
        consumer.nack(m);
        if (m.redeliveryCount >= 3) break;
      }
      assert.equal(good, 1);
      assert.deepEqual(deliveries.map((d) => d.count), [0, 1, 2, 3], 'redelivery count rises by one each time');
      for (let i = 1; i < deliveries.length; i++) {
        const expected = Math.min(backoff.maxDelayMs, backoff.minDelayMs * backoff.multiplier ** (i - 1));
        const gap = (deliveries[i]?.at ?? 0) - (deliveries[i - 1]?.at ?? 0);
        assert.ok(gap >= expected - 60, `redelivery ${i} came after ${gap} ms, backoff ${expected} ms`);
      }
      const dlq = `${topic}-${subscription}-DLQ`;
      await waitFor(async () => (await admin().topicStats(dlq)).msgInCounter === 1, { what: 'the DLQ copy', timeoutMs: 20_000 });
      // The original is acked once the DLQ copy is stored: the subscription drains.
      await waitFor(async () => {
        consumer.flushAcks();
        const s = await admin().topicStats(topic);
        const sub = s.subscriptions[subscription];
        return sub !== undefined && sub.msgBacklog === 0 && sub.unackedMessages === 0;
      }, { what: 'the original to be acked', timeoutMs: 20_000 });

      const got = await runPythonPeer<Consumed>('consume.py', {
        service_url: serviceUrl(), topic: dlq, subscription: 'dlq-reader', count: 1, subscription_type: 'Shared',
      });
      const [d] = got.messages;
      assert.ok(d);
      assert.equal(d.key, 'card-42');
      assert.equal(d.data, 'poison');
      assert.equal(d.properties.origin, 'test');
      assert.equal(d.properties.REAL_TOPIC, topic);
      assert.equal(d.properties.ORIGIN_MESSAGE_ID, deliveries[0]?.id);
    });
  });

  it('deadLetter() publishes at once with extra properties and acks the original after the copy is stored', async () => {
    await withClient(async (client) => {
      const topic = uniqueTopic('dl-now');
      const subscription = uniqueName('sub');
      const consumer = await client.subscribe({
        topic, subscription, subscriptionType: 'Key_Shared', initialPosition: 'Earliest', deadLetterPolicy: { maxRedeliverCount: 5, initialSubscriptionName: 'r' },
      });
      const producer = await client.createProducer({ topic });
      await producer.send({ value: Buffer.from([0xde, 0xad]), key: 'k' });
      const m = await consumer.receive(10_000);
      await consumer.deadLetter(m, { 'strobe.error.class': 'AvroDecodeError', 'strobe.error.message': 'bad bytes' });
      const dlqConsumer = await client.subscribe({ topic: `${topic}-${subscription}-DLQ`, subscription: 'r', initialPosition: 'Earliest' });
      const d = await dlqConsumer.receive(10_000);
      assert.deepEqual([...d.value], [0xde, 0xad]);
      assert.equal(d.key, 'k');
      assert.equal(d.properties['strobe.error.class'], 'AvroDecodeError');
      assert.equal(d.properties.ORIGIN_MESSAGE_ID, formatMessageId(m.id));
    });
  });

  it('reconsumeLater() goes through the retry topic with RECONSUMETIMES, then to the DLQ past the limit', async () => {
    await withClient(async (client) => {
      const topic = uniqueTopic('retry');
      const subscription = uniqueName('sub');
      const consumer = await client.subscribe({
        topic, subscription, subscriptionType: 'Shared', initialPosition: 'Earliest', retryEnable: true,
        deadLetterPolicy: { maxRedeliverCount: 2, initialSubscriptionName: 'r' },
      });
      const producer = await client.createProducer({ topic });
      await producer.send({ value: Buffer.from('again'), key: 'r1' });
      const times: string[] = [];
      for (let i = 0; i < 3; i++) {
        const m = await consumer.receive(15_000);
        times.push(m.properties.RECONSUMETIMES ?? '0');
        await consumer.reconsumeLater(m, 100);
      }
      assert.deepEqual(times, ['0', '1', '2']);
      const dlq = await client.subscribe({ topic: `${topic}-${subscription}-DLQ`, subscription: 'r', initialPosition: 'Earliest' });
      const d = await dlq.receive(15_000);
      assert.equal(d.value.toString(), 'again');
      assert.equal(d.properties.REAL_TOPIC, topic);
    });
  });
});
