import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionLag } from '../../../src/deploy/subscription-lag.js';
import { admin, adminUrl, serviceUrl, uniqueName, uniqueTopic, waitFor } from '../../helpers/pulsar.js';
import { withClient } from '../../helpers/client.js';
import { writeTestFunction } from '../../helpers/test-function.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function strobe(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/strobe.js'), ...args], { cwd: ROOT, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

/** A function on `topic` with subscription `sub`, and the CLI flags that find it and the broker. */
function lagFunction(topic: string, sub: string): { name: string; flags: string[] } {
  const name = uniqueName('lag-fn');
  const { dir } = writeTestFunction({ name, input: topic, output: uniqueTopic('lag-out'), extra: { subName: sub } });
  return { name, flags: ['--functions-dir', dirname(dir), '--schemas-dir', join(dirname(dir), 'schemas'), '--admin-url', adminUrl(), '--service-url', serviceUrl()] };
}

async function produce(topic: string, n: number): Promise<void> {
  await withClient(async (client) => {
    const producer = await client.createProducer({ topic });
    await Promise.all(Array.from({ length: n }, (_, i) => producer.send({ value: Buffer.from(`m${i}`), key: `k${i}` })));
    await producer.close();
  });
}

async function lagJson(name: string, flags: readonly string[], extra: readonly string[] = []): Promise<FunctionLag> {
  const r = await strobe(['lag', name, ...flags, '--json', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  const reports = JSON.parse(r.stdout) as FunctionLag[];
  assert.equal(reports.length, 1);
  return reports[0] as FunctionLag;
}

describe('strobe lag (CLI) against the broker', () => {
  it('non-partitioned topic: the backlog is the N messages produced, none unacked, no consumers', async () => {
    const topic = uniqueTopic('lag');
    const sub = uniqueName('lag-sub');
    await admin().createTopic(topic);
    await admin().createSubscription(topic, sub, 'earliest');
    const n = 37;
    await produce(topic, n);
    await waitFor(async () => (await admin().topicStats(topic)).subscriptions[sub]?.msgBacklog === n, { what: `the broker's backlog to reach ${n}` });
    const { name, flags } = lagFunction(topic, sub);

    const report = await lagJson(name, flags);
    assert.equal(report.subscription, sub);
    assert.deepEqual(report.topics.map((t) => [t.topic, t.partitions, t.exists, t.subscriptionExists, t.backlog, t.unacked, t.consumers]), [[topic, 0, true, true, n, 0, 0]]);
    assert.equal(report.total.backlog, n);

    const table = await strobe(['lag', name, ...flags]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`^${topic.replace(/[/.]/g, '\\$&')}\\s+-\\s+${n}\\s+0\\s+0\\.0\\s+0$`, 'm'));
  });

  it('partitioned topic: the backlog summed over partitions, each partition as the broker counts it on --verbose', async () => {
    const topic = uniqueTopic('lag-part');
    const sub = uniqueName('lag-sub');
    const partitions = 3;
    await admin().createPartitionedTopic(topic, partitions);
    await admin().createSubscription(topic, sub, 'earliest');
    const n = 60;
    await produce(topic, n);
    const perPartition = await waitFor(
      async () => {
        const counts = await Promise.all(Array.from({ length: partitions }, async (_, i) => (await admin().topicStats(`${topic}-partition-${i}`)).subscriptions[sub]?.msgBacklog ?? 0));
        return counts.reduce((a, b) => a + b, 0) === n ? counts : undefined;
      },
      { what: `the backlog over ${partitions} partitions to reach ${n}` },
    );
    assert.ok(perPartition.filter((c) => c > 0).length > 1, 'keys spread over partitions');
    const { name, flags } = lagFunction(topic, sub);

    const report = await lagJson(name, flags, ['--verbose']);
    const t = report.topics[0];
    assert.ok(t);
    assert.equal(t.partitions, partitions);
    assert.equal(t.backlog, n);
    assert.deepEqual(t.partitionDetail?.map((p) => [p.topic, p.backlog]), perPartition.map((c, i) => [`${topic}-partition-${i}`, c]));
    const plain = await lagJson(name, flags);
    assert.equal(plain.topics[0]?.partitionDetail, undefined);
  });

  it('a missing subscription is reported, then created at the function position by --ensure-subscriptions', async () => {
    const topic = uniqueTopic('lag-nosub');
    const sub = uniqueName('lag-sub');
    await admin().createTopic(topic);
    const n = 12;
    await produce(topic, n);
    const { name, flags } = lagFunction(topic, sub);

    const before = await lagJson(name, flags);
    assert.deepEqual(before.topics.map((t) => [t.exists, t.subscriptionExists]), [[true, false]]);
    assert.equal((await admin().topicStats(topic)).subscriptions[sub], undefined, 'reading does not create it');
    const note = await strobe(['lag', name, ...flags]);
    assert.match(note.stdout, /KEDA's pulsar scaler reports an error until/);

    const after = await lagJson(name, flags, ['--ensure-subscriptions']);
    assert.equal(after.topics[0]?.created, true);
    // The test function starts at Earliest: the messages produced before are its backlog.
    assert.equal(after.topics[0]?.backlog, n);
    assert.equal((await admin().topicStats(topic)).subscriptions[sub]?.msgBacklog, n);
  });

  it('an input topic that does not exist yet: reported as missing; --ensure-subscriptions creates it with the subscription (auto topic creation on)', async () => {
    const topic = uniqueTopic('lag-absent');
    const sub = uniqueName('lag-sub');
    const { name, flags } = lagFunction(topic, sub);
    const before = await lagJson(name, flags);
    assert.deepEqual(before.topics.map((t) => [t.exists, t.subscriptionExists, t.backlog]), [[false, false, 0]]);
    const after = await lagJson(name, flags, ['--ensure-subscriptions']);
    assert.deepEqual(after.topics.map((t) => [t.exists, t.subscriptionExists, t.created, t.backlog]), [[true, true, true, 0]]);
    assert.ok((await admin().topicStats(topic)).subscriptions[sub] !== undefined);
  });
});
