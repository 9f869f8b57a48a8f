// Proves the broker under test is a real Pulsar: the official clients exchange messages through it and
// the admin API reports what they did.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runJavaTool } from '../../../src/local-pulsar/peers.js';
import { admin, adminUrl, serviceUrl, uniqueName, uniqueTopic, waitFor } from '../../helpers/pulsar.js';
import { runPythonPeer } from '../../helpers/python-peer.js';

interface Consumed {
  messages: { key: string; data: string; properties: Record<string, string>; event_time: number }[];
}

describe('real broker smoke test', () => {
  it('the official Python client produces keyed messages and consumes them back; stats agree', async () => {
    const topic = uniqueTopic('smoke-py');
    const subscription = uniqueName('sub');
    const count = 50;
    const sent = await runPythonPeer<{ sent: number }>('produce.py', {
      service_url: serviceUrl(), topic, count, keys: 5, properties: { origin: 'python' }, event_time_base: 1_700_000_000_000,
    });
    assert.equal(sent.sent, count);

    const got = await runPythonPeer<Consumed>('consume.py', { service_url: serviceUrl(), topic, subscription, count });
    assert.equal(got.messages.length, count);
    got.messages.forEach((m, i) => {
      assert.equal(m.data, `msg-${i}`);
      assert.equal(m.key, `key-${i % 5}`);
      assert.equal(m.properties.origin, 'python');
      assert.equal(m.properties.seq, String(i));
      assert.equal(m.event_time, 1_700_000_000_000 + i);
    });

    const stats = await waitFor(async () => {
      const s = await admin().topicStats(topic);
      return s.subscriptions[subscription]?.msgBacklog === 0 ? s : undefined;
    }, { what: 'the subscription backlog to reach 0 after acks' });
    assert.equal(stats.msgInCounter, count);
    assert.ok(subscription in stats.subscriptions);
  });

  it('the official Java client tool produces and consumes on a partitioned topic created by the admin API', async () => {
    const topic = uniqueTopic('smoke-java');
    const subscription = uniqueName('sub');
    await admin().createPartitionedTopic(topic, 3);
    assert.equal(await admin().partitions(topic), 3);
    // Create the subscription first so the consumer starts from the beginning regardless of timing.
    await admin().createSubscription(topic, subscription);

    const urls = { serviceUrl: serviceUrl(), adminUrl: adminUrl() };
    const produced = await runJavaTool('client', ['produce', '-m', 'hello-from-java', '-n', '20', topic], urls);
    assert.equal(produced.code, 0, produced.stderr.slice(-2000));
    assert.match(produced.stdout + produced.stderr, /20 messages successfully produced/);

    const consumed = await runJavaTool('client', ['consume', '-s', subscription, '-n', '20', '-p', 'Earliest', topic], urls);
    assert.equal(consumed.code, 0, consumed.stderr.slice(-2000));
    assert.match(consumed.stdout + consumed.stderr, /20 messages successfully consumed/);
    assert.equal((consumed.stdout.match(/hello-from-java/g) ?? []).length, 20);

    // Acks reach the broker's statistics asynchronously: wait (with a deadline) for the backlog to drain.
    const stats = await waitFor(async () => {
      const s = await admin().partitionedStats(topic);
      return s.subscriptions[subscription]?.msgBacklog === 0 ? s : undefined;
    }, { what: 'the partitioned subscription backlog to reach 0 after the Java consumer acked', timeoutMs: 20_000 });
    assert.equal(stats.msgInCounter, 20);
  });
});
