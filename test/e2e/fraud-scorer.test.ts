// The fraud-scorer example end to end through the CLI, on the real broker and the real ONNX model.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { PulsarClient } from '../../src/client/client.js';
import type { Message } from '../../src/client/message.js';
import { admin, adminUrl, serviceUrl, uniqueName, waitFor } from '../helpers/pulsar.js';
import { withClient } from '../helpers/client.js';
import { runStrobe, spawnStrobe } from '../helpers/cli.js';
import { fraudFunction, type FraudFunction } from '../helpers/fraud-function.js';

const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) c.kill('SIGKILL');
});

function startWorker(fn: FraudFunction, extra: string[] = []): ChildProcess {
  const child = spawnStrobe(['run', 'fraud-scorer', '--service-url', serviceUrl(), '--admin-url', adminUrl(), '--functions-dir', fn.functionsDir, '--schemas-dir', fn.schemasDir, '--metrics-port', '0', '--log-level', 'warn', ...extra]);
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function produce(fn: FraudFunction, count: number, keys: number, seed: number, rate = 0): Promise<void> {
  const r = await runStrobe(['produce', fn.input, '--service-url', serviceUrl(), '--admin-url', adminUrl(), '-n', String(count), '--keys', String(keys), '--seed', String(seed), '--rate', String(rate)], { timeoutMs: 300_000 });
  assert.equal(r.code, 0, r.stderr);
}

/** Reads every message of a topic from the beginning until `done` says so (or the deadline). */
async function readAll(client: PulsarClient, topic: string, done: (n: number) => boolean, timeoutMs = 240_000): Promise<Message[]> {
  const c = await client.subscribe({ topic, subscription: uniqueName('check'), subscriptionType: 'Exclusive', initialPosition: 'Earliest', receiverQueueSize: 2000 });
  const out: Message[] = [];
  await waitFor(async () => {
    for (const m of await c.batchReceive({ maxMessages: 2000, timeoutMs: 200 })) {
      out.push(m);
      c.ack(m);
    }
    return done(out.length);
  }, { timeoutMs, intervalMs: 1, what: `messages on ${topic} (have ${out.length})` });
  await c.close();
  return out;
}

/** The generator numbers transactions tx-<seed>-<counter base36>. */
function counterOf(id: string): number {
  return parseInt(id.split('-').pop() ?? '', 36);
}

async function subscriptionDrained(fn: FraudFunction): Promise<boolean> {
  const s = (await admin().topicStats(fn.input)).subscriptions[fn.subName];
  return s !== undefined && s.msgBacklog === 0 && s.unackedMessages === 0;
}

describe('fraud-scorer through the CLI', () => {
  it('100k events over 5k keys with 2 workers: one output per input, in key order, no key on both workers, all acked', async (t) => {
    const fn = fraudFunction();
    const workers = [startWorker(fn), startWorker(fn)];
    await waitFor(async () => ((await admin().topicStats(fn.input).catch(() => undefined))?.subscriptions[fn.subName]?.consumers.length ?? 0) === 2, { timeoutMs: 60_000, what: 'both workers subscribed' });
    const n = 100_000;
    await produce(fn, n, 5000, 11);
    await withClient(async (client) => {
      const outs = await readAll(client, fn.output, (k) => k >= n);
      const byId = new Map<string, number>();
      const workerOfCard = new Map<string, string>();
      const lastOfCard = new Map<string, number>();
      for (const m of outs) {
        const s = fn.scoreType.fromBuffer(m.value) as { transaction_id: string; card_id: string; fraud_score: number };
        byId.set(s.transaction_id, (byId.get(s.transaction_id) ?? 0) + 1);
        assert.ok(s.fraud_score >= 0 && s.fraud_score <= 1);
        const w = m.properties['strobe.worker'] ?? '';
        const prev = workerOfCard.get(s.card_id);
        assert.ok(prev === undefined || prev === w, `card ${s.card_id} scored by ${prev} and ${w}`);
        workerOfCard.set(s.card_id, w);
        const c = counterOf(s.transaction_id);
        assert.ok((lastOfCard.get(s.card_id) ?? -1) < c, `card ${s.card_id} out of order`);
        lastOfCard.set(s.card_id, c);
      }
      assert.equal(outs.length, n, 'exactly one output per input');
      assert.equal(byId.size, n);
      assert.equal(new Set(workerOfCard.values()).size, 2, 'both workers scored');
      t.diagnostic(`cards per worker: ${[...new Set(workerOfCard.values())].map((w) => [...workerOfCard.values()].filter((x) => x === w).length).join(' / ')}`);
    });
    await waitFor(() => subscriptionDrained(fn), { timeoutMs: 30_000, what: 'every input acked' });
    for (const w of workers) w.kill('SIGTERM');
    assert.deepEqual(await Promise.all(workers.map(exited)), [0, 0], 'both drained and exited 0');
  });

  it('kill -9 of a worker three times during a 100k run: every input is scored or dead-lettered; duplicates are counted', async (t) => {
    const fn = fraudFunction();
    let worker = startWorker(fn);
    await waitFor(async () => ((await admin().topicStats(fn.input).catch(() => undefined))?.subscriptions[fn.subName]?.consumers.length ?? 0) === 1, { timeoutMs: 60_000, what: 'worker subscribed' });
    const n = 100_000;
    const producing = produce(fn, n, 5000, 12, 6000);
    await withClient(async (client) => {
      const watcher = await client.subscribe({ topic: fn.output, subscription: uniqueName('watch'), initialPosition: 'Earliest', subscriptionType: 'Shared' });
      let seen = 0;
      const counting = (async () => {
        while (seen < n) {
          const b = await watcher.batchReceive({ maxMessages: 1000, timeoutMs: 100 }).catch(() => []);
          for (const m of b) watcher.ack(m);
          seen += b.length;
          if (b.length === 0 && (await subscriptionDrained(fn).catch(() => false)) && seen > 0) break;
        }
      })();
      for (let kill = 1; kill <= 3; kill++) {
        await waitFor(() => seen >= (kill * n) / 4, { timeoutMs: 120_000, what: `${(kill * n) / 4} outputs before kill ${kill}` });
        worker.kill('SIGKILL');
        await exited(worker);
        worker = startWorker(fn);
      }
      await producing;
      await waitFor(() => subscriptionDrained(fn), { timeoutMs: 180_000, intervalMs: 500, what: 'every input acked after the restarts' });
      await watcher.close();
      await counting.catch(() => undefined);
    });
    await withClient(async (client) => {
      const stats = await admin().topicStats(fn.output);
      const total = stats.msgInCounter;
      const outs = await readAll(client, fn.output, (k) => k >= total);
      const dlqCount = (await admin().topicStats(fn.dlq).catch(() => undefined))?.msgInCounter ?? 0;
      const dead = dlqCount > 0 ? await readAll(client, fn.dlq, (k) => k >= dlqCount) : [];
      const ids = new Map<string, number>();
      for (const m of outs) {
        const id = (fn.scoreType.fromBuffer(m.value) as { transaction_id: string }).transaction_id;
        ids.set(id, (ids.get(id) ?? 0) + 1);
      }
      for (const m of dead) {
        const id = (fn.txType.fromBuffer(m.value) as { transaction_id: string }).transaction_id;
        ids.set(id, (ids.get(id) ?? 0) + 1);
      }
      const duplicates = [...ids.values()].reduce((a, c) => a + (c - 1), 0);
      t.diagnostic(`inputs=${n} outputs=${outs.length} dead-lettered=${dead.length} distinct=${ids.size} duplicates=${duplicates}`);
      assert.equal(ids.size, n, 'inputs = outputs ∪ dead letters: nothing lost');
    });
    worker.kill('SIGTERM');
    assert.equal(await exited(worker), 0);
  });

  it('SIGTERM during load drains within the deadline; a restart scores the rest with no duplicate of the drained part', async (t) => {
    const fn = fraudFunction();
    const first = startWorker(fn, ['--drain-timeout-ms', '20000']);
    await waitFor(async () => ((await admin().topicStats(fn.input).catch(() => undefined))?.subscriptions[fn.subName]?.consumers.length ?? 0) === 1, { timeoutMs: 60_000, what: 'worker subscribed' });
    const n = 30_000;
    const producing = produce(fn, n, 2000, 13, 5000);
    await waitFor(async () => ((await admin().topicStats(fn.output).catch(() => undefined))?.msgInCounter ?? 0) > 5000, { timeoutMs: 60_000, what: 'scoring under way' });
    const t0 = Date.now();
    first.kill('SIGTERM');
    assert.equal(await exited(first), 0, 'drained in time');
    const drainMs = Date.now() - t0;
    await withClient(async (client) => {
      const outputsAfterDrain = (await admin().topicStats(fn.output)).msgInCounter;
      const second = startWorker(fn);
      await producing;
      await waitFor(() => subscriptionDrained(fn), { timeoutMs: 120_000, intervalMs: 500, what: 'the rest scored' });
      second.kill('SIGTERM');
      assert.equal(await exited(second), 0);
      const total = (await admin().topicStats(fn.output)).msgInCounter;
      const outs = await readAll(client, fn.output, (k) => k >= total);
      const ids = new Map<string, number>();
      for (const m of outs) {
        const id = (fn.scoreType.fromBuffer(m.value) as { transaction_id: string }).transaction_id;
        ids.set(id, (ids.get(id) ?? 0) + 1);
      }
      const duplicates = [...ids.values()].filter((c) => c > 1).length;
      t.diagnostic(`drain took ${drainMs} ms; outputs before restart ${outputsAfterDrain}, total ${outs.length}, duplicates ${duplicates}`);
      assert.equal(ids.size, n, 'every input scored once the second worker finished');
      assert.equal(duplicates, 0, 'nothing the first worker drained was scored again');
    });
  });

  it('config mistakes fail validate and run with the file and field named', async () => {
    const fn = fraudFunction({ subscriptionType: 'Key_Shared\nretainOrdering: true\nretainKeyOrdering: true\nbatchSizze: 3' });
    const args = ['--functions-dir', fn.functionsDir, '--schemas-dir', fn.schemasDir];
    const v = await runStrobe(['validate', ...args]);
    assert.equal(v.code, 2);
    assert.match(v.stderr, /fraud-scorer\/function\.yaml/);
    assert.match(v.stderr, /retainOrdering/);
    assert.match(v.stderr, /batchSizze/);
    const r = await runStrobe(['run', ...args, '--service-url', serviceUrl()]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nothing was started/);
  });
});
