import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ServerError } from '../../../src/errors.js';
import { uniqueName, uniqueTopic, waitFor } from '../../helpers/pulsar.js';
import { withClient } from '../../helpers/client.js';

describe('subscription types and positions', () => {
  it('Exclusive: a second consumer on the subscription is refused with ConsumerBusy', async () => {
    await withClient(async (client) => {
      const topic = uniqueTopic('excl');
      const subscription = uniqueName('sub');
      await client.subscribe({ topic, subscription, subscriptionType: 'Exclusive' });
      await assert.rejects(client.subscribe({ topic, subscription, subscriptionType: 'Exclusive' }), (e: unknown) => e instanceof ServerError && e.serverError === 'ConsumerBusy');
    });
  });

  it('Failover: only the active consumer receives; the standby takes over when it closes', async () => {
    await withClient(async (client) => {
      const topic = uniqueTopic('failover');
      const subscription = uniqueName('sub');
      const a = await client.subscribe({ topic, subscription, subscriptionType: 'Failover', consumerName: 'a', initialPosition: 'Earliest' });
      const b = await client.subscribe({ topic, subscription, subscriptionType: 'Failover', consumerName: 'b', initialPosition: 'Earliest' });
      const producer = await client.createProducer({ topic });
      for (let i = 0; i < 20; i++) await producer.send({ value: Buffer.from(String(i)) });
      // The broker picks one active consumer (and may switch once, after its failover delay): wait until
      // one of them holds all 20.
      const active = await waitFor(() => (a.queued === 20 ? a : b.queued === 20 ? b : undefined), { what: 'one consumer to hold all 20' });
      const standby = active === a ? b : a;
      assert.equal(standby.queued, 0, 'the standby received nothing');
      for (let i = 0; i < 20; i++) {
        const m = await active.receive(10_000);
        assert.equal(m.value.toString(), String(i));
        active.ack(m);
      }
      await active.close();
      await producer.send({ value: Buffer.from('after') });
      const m = await standby.receive(10_000);
      assert.equal(m.value.toString(), 'after');
    });
  });

  it('Latest skips what was published before the subscription; Earliest reads it', async () => {
    await withClient(async (client) => {
      const topic = uniqueTopic('pos');
      const producer = await client.createProducer({ topic });
      await producer.send({ value: Buffer.from('old') });
      const latest = await client.subscribe({ topic, subscription: uniqueName('l'), initialPosition: 'Latest' });
      const earliest = await client.subscribe({ topic, subscription: uniqueName('e'), initialPosition: 'Earliest' });
      await producer.send({ value: Buffer.from('new') });
      assert.equal((await earliest.receive(10_000)).value.toString(), 'old');
      assert.equal((await latest.receive(10_000)).value.toString(), 'new');
    });
  });

  it('ack time-out: an unacked message is delivered again', async () => {
    await withClient(async (client) => {
      const topic = uniqueTopic('acktimeout');
      const consumer = await client.subscribe({
        topic, subscription: uniqueName('sub'), subscriptionType: 'Shared', initialPosition: 'Earliest',
        ackTimeoutMs: 300, negativeAckBackoff: { minDelayMs: 50, maxDelayMs: 50, multiplier: 1 },
      });
      const producer = await client.createProducer({ topic });
      await producer.send({ value: Buffer.from('x') });
      const first = await consumer.receive(10_000);
      const t0 = Date.now();
      const again = await consumer.receive(10_000);
      assert.equal(again.value.toString(), 'x');
      assert.equal(again.redeliveryCount, first.redeliveryCount + 1);
      assert.ok(Date.now() - t0 >= 250, 'not before the ack time-out');
      consumer.ack(again);
    });
  });

  it('async iteration yields messages until the consumer closes', async () => {
    await withClient(async (client) => {
      const topic = uniqueTopic('iter');
      const consumer = await client.subscribe({ topic, subscription: uniqueName('sub'), initialPosition: 'Earliest' });
      const producer = await client.createProducer({ topic });
      for (let i = 0; i < 5; i++) await producer.send({ value: Buffer.from(String(i)) });
      const got: string[] = [];
      for await (const m of consumer) {
        got.push(m.value.toString());
        consumer.ack(m);
        if (got.length === 5) await consumer.close();
      }
      assert.deepEqual(got, ['0', '1', '2', '3', '4']);
    });
  });
});
