import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { admin, uniqueName, uniqueTopic, waitFor } from '../../helpers/pulsar.js';
import { withClient } from '../../helpers/client.js';

describe('topic unload during steady traffic', () => {
  it('10 unloads while 50k messages flow: every message delivered, duplicates counted', async (t) => {
    await withClient(async (client) => {
      const topic = uniqueTopic('unload');
      const subscription = uniqueName('sub');
      let reconnects = 0;
      const consumer = await client.subscribe({ topic, subscription, subscriptionType: 'Shared', initialPosition: 'Earliest' });
      const producer = await client.createProducer({ topic, maxPendingMessages: 2000 });
      const n = 50_000;
      const seen = new Uint8Array(n);
      let received = 0;
      let duplicates = 0;
      let distinct = 0;
      const stop = new AbortController();
      const consumeLoop = (async () => {
        while (!stop.signal.aborted) {
          const batch = await consumer.batchReceive({ maxMessages: 500, timeoutMs: 50 });
          for (const m of batch) {
            const i = Number(m.value.toString());
            received++;
            if (seen[i]) duplicates++;
            else distinct++;
            seen[i] = 1;
            consumer.ack(m);
          }
        }
      })();

      let failedSends = 0;
      let confirmed = 0;
      const unloads: Promise<void>[] = [];
      let unloadCount = 0;
      for (let i = 0; i < n; i++) {
        await producer.dispatch({ value: Buffer.from(String(i)), key: `k${i % 100}` }, (err) => {
          if (err) failedSends++;
          else confirmed++;
        });
        if (i > 0 && i % Math.floor(n / 11) === 0 && unloadCount < 10) {
          unloadCount++;
          reconnects++;
          unloads.push(admin().unload(topic));
        }
      }
      await producer.flush();
      await Promise.all(unloads);
      assert.equal(unloadCount, 10);
      assert.equal(failedSends, 0, 'no send failed: pending messages were resent after each unload');
      assert.equal(confirmed, n);
      await waitFor(() => distinct === n, { timeoutMs: 90_000, what: `all ${n} distinct messages (have ${distinct})` });
      stop.abort();
      await consumeLoop;
      const stats = await admin().topicStats(topic);
      t.diagnostic(`unloads=${reconnects} received=${received} distinct=${distinct} duplicates=${duplicates} stored=${stats.msgInCounter}`);
      assert.equal(distinct, n);
      assert.equal(received, distinct + duplicates);
    });
  });
});
