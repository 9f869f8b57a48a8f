import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Consumer } from '../../../src/client/consumer.js';
import { uniqueName, uniqueTopic, waitFor } from '../../helpers/pulsar.js';
import { withClient } from '../../helpers/client.js';

describe('Key_Shared subscription', () => {
  for (const mode of ['AutoSplit', 'Sticky'] as const) {
    it(`${mode}: with 3 Strobe consumers every key goes to exactly one, in order, and all messages arrive`, async () => {
      await withClient(async (client) => {
        const topic = uniqueTopic('ks');
        const subscription = uniqueName('sub');
        const third = Math.floor(65536 / 3);
        const ranges = [
          [{ start: 0, end: third - 1 }],
          [{ start: third, end: 2 * third - 1 }],
          [{ start: 2 * third, end: 65535 }],
        ];
        const consumers: Consumer[] = [];
        for (let c = 0; c < 3; c++) {
          consumers.push(
            await client.subscribe({
              topic, subscription, subscriptionType: 'Key_Shared', initialPosition: 'Earliest', receiverQueueSize: 200,
              keySharedPolicy: mode === 'Sticky' ? { mode: 'Sticky', ranges: ranges[c] } : { mode: 'AutoSplit' },
            }),
          );
        }
        const producer = await client.createProducer({ topic, batchingType: 'keyBased' });
        const n = 6000;
        const keys = 150;
        const sends = [];
        for (let i = 0; i < n; i++) sends.push(producer.send({ value: Buffer.from(String(i)), key: `key-${i % keys}` }));
        await Promise.all(sends);

        const seen = consumers.map(() => [] as { key: string; i: number }[]);
        let total = 0;
        const stop = new AbortController();
        const loops = consumers.map(async (c, idx) => {
          while (!stop.signal.aborted) {
            const batch = await c.batchReceive({ maxMessages: 100, timeoutMs: 50 });
            for (const m of batch) {
              seen[idx]?.push({ key: m.key ?? '', i: Number(m.value.toString()) });
              c.ack(m);
              total++;
            }
          }
        });
        await waitFor(() => total >= n, { timeoutMs: 60_000, what: `${n} messages across 3 consumers` });
        stop.abort();
        await Promise.all(loops);

        assert.equal(total, n, 'no duplicates, none missing');
        const owner = new Map<string, number>();
        seen.forEach((list, idx) => {
          const last = new Map<string, number>();
          for (const { key, i } of list) {
            const o = owner.get(key);
            assert.ok(o === undefined || o === idx, `key ${key} seen by consumers ${o} and ${idx}`);
            owner.set(key, idx);
            assert.ok((last.get(key) ?? -1) < i, `key ${key} out of order on consumer ${idx}`);
            last.set(key, i);
          }
        });
        assert.equal(owner.size, keys);
        assert.ok(seen.filter((l) => l.length > 0).length >= 2, 'keys were spread over the consumers');
      });
    });
  }
});
