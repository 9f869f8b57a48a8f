// The session-recs example (TF.js GRU, batching mode key) through FunctionRunner on the real broker.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { loadFunctions } from '../../../src/config/function-registry.js';
import { SessionGenerator, type Click } from '../../../src/generator/sessions.js';
import { projectRoot } from '../../../src/local-pulsar/paths.js';
import { silentLogger } from '../../../src/client/logger.js';
import { FunctionRunner } from '../../../src/pipeline/function-runner.js';
import { avroSchemaInfo } from '../../../src/schema/pulsar-schema.js';
import { admin, uniqueName, uniqueTopic, waitFor } from '../../helpers/pulsar.js';
import { withClient } from '../../helpers/client.js';

describe('session-recs (mode key, TF.js)', () => {
  it('every click is acked; each session gets 10 ranked recommendations for its latest click', async () => {
    const root = projectRoot();
    const { functions, errors } = loadFunctions(join(root, 'functions'), ['session-recs'], { schemasDir: join(root, 'schemas') });
    assert.deepEqual(errors, []);
    const base = functions[0];
    assert.ok(base);
    const input = uniqueTopic('clicks');
    const output = uniqueTopic('recs');
    const subName = uniqueName('recs');
    const config = { ...base, inputs: [input], output, subName, deadLetterTopics: { [input]: `${input}-${subName}-DLQ` } };
    const clickSchema: unknown = JSON.parse(readFileSync(join(root, 'schemas', 'click.avsc'), 'utf8'));
    const clickType = avro.Type.forSchema(clickSchema as avro.Schema);
    const recType = avro.Type.forSchema(JSON.parse(readFileSync(join(root, 'schemas', 'recommendation.avsc'), 'utf8')) as avro.Schema);
    await withClient(async (client) => {
      const runner = new FunctionRunner(config, { client, logger: silentLogger });
      await runner.start();
      const producer = await client.createProducer({ topic: input, schema: avroSchemaInfo(input, clickSchema) });
      const clicks: Click[] = [];
      for (const c of new SessionGenerator({ seed: 5, concurrentSessions: 40 })) {
        clicks.push(c);
        if (clicks.length === 1500) break;
      }
      const sends = clicks.map((c) => producer.send({ value: clickType.toBuffer(c), key: c.session_id, eventTime: c.event_time }));
      await Promise.all(sends);
      const lastClick = new Map<string, Click>();
      for (const c of clicks) lastClick.set(c.session_id, c);
      const reader = await client.subscribe({ topic: output, subscription: 'check', initialPosition: 'Earliest' });
      const latest = new Map<string, { last_item_id: string; items: { item_id: string; score: number }[] }>();
      await waitFor(async () => {
        for (const m of await reader.batchReceive({ maxMessages: 500, timeoutMs: 100 })) {
          const r = recType.fromBuffer(m.value) as { session_id: string; last_item_id: string; items: { item_id: string; score: number }[] };
          latest.set(r.session_id, r);
          reader.ack(m);
        }
        return [...lastClick].every(([s, c]) => latest.get(s)?.last_item_id === c.item_id);
      }, { timeoutMs: 60_000, what: 'a recommendation for every session\'s latest click' });
      for (const r of latest.values()) {
        assert.equal(r.items.length, 10);
        for (let i = 1; i < r.items.length; i++) assert.ok((r.items[i - 1]?.score ?? 0) >= (r.items[i]?.score ?? 0), 'best first');
      }
      await waitFor(async () => {
        const s = (await admin().topicStats(input)).subscriptions[subName];
        return s !== undefined && s.msgBacklog === 0 && s.unackedMessages === 0;
      }, { what: 'every click acked' });
      await runner.drain(10_000);
    });
  });
});
