import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { admin, adminUrl, serviceUrl, uniqueName } from '../helpers/pulsar.js';
import { runStrobe } from '../helpers/cli.js';

describe('strobe produce | strobe consume', () => {
  it('round-trips 10k generated transactions with their registered Avro schema', async () => {
    const topic = uniqueName('cli-rt');
    const conn = ['--service-url', serviceUrl(), '--admin-url', adminUrl()];
    const subscription = uniqueName('reader');
    // The subscription exists before the first record, so nothing can be trimmed before the reader comes.
    await admin().createTopic(topic);
    await admin().createSubscription(topic, subscription);
    const produced = await runStrobe(['produce', topic, ...conn, '-n', '10000', '--keys', '500', '--key-dist', 'zipf', '--seed', '7']);
    assert.equal(produced.code, 0, produced.stderr);
    assert.match(produced.stderr, /produced 10000 records/);
    const consumed = await runStrobe(['consume', topic, ...conn, '-s', subscription, '--from', 'earliest', '-n', '10000', '--format', 'json']);
    assert.equal(consumed.code, 0, consumed.stderr);
    const rows = consumed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string; value: Record<string, unknown> });
    assert.equal(rows.length, 10000);
    const ids = new Set(rows.map((r) => r.value.transaction_id));
    assert.equal(ids.size, 10000, 'every record once');
    for (const r of rows) {
      assert.equal(r.key, r.value.card_id, 'keyed by card');
      assert.equal(typeof r.value.amount, 'number');
      assert.ok(['pos', 'online', 'atm'].includes(r.value.channel as string));
    }
    const keys = new Map<string, number>();
    for (const r of rows) keys.set(r.key, (keys.get(r.key) ?? 0) + 1);
    const counts = [...keys.values()].sort((a, b) => b - a);
    assert.ok((counts[0] ?? 0) > 10 * (counts[Math.floor(counts.length / 2)] ?? 1), 'zipf: the hottest key is far above the median');
  });
});
