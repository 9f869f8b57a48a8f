// One side of bench/client-throughput.ts, run in its own Node process so its CPU and memory can be read
// from /proc exactly as the Java client's are:
//   node --import tsx bench/lib/strobe-client-worker.ts '<WorkerJob JSON>'
// Prints one line `RESULT <WorkerResult JSON>` on stdout and exits 0 (1 on failure).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PulsarClient } from '../../src/client/client.js';
import type { MessageId } from '../../src/client/message-id.js';
import { CompressionType } from '../../src/wire/enums.js';
import { StrobeError } from '../../src/errors.js';
import { benchPayload, epochNowMs, RESULT_PREFIX, type WorkerJob, type WorkerResult } from './worker-protocol.js';

async function produce(job: WorkerJob): Promise<WorkerResult> {
  const client = new PulsarClient({ serviceUrl: job.serviceUrl });
  try {
    const producer = await client.createProducer({
      topic: job.topic,
      batching: true,
      // pulsar-perf uses the Java client's default batcher; key-based batching would split by key only.
      batchingType: 'default',
      batchingMaxMessages: job.batchMaxMessages,
      batchingMaxBytes: job.batchMaxBytes,
      batchingMaxPublishDelayMs: job.batchDelayMs,
      maxPendingMessages: job.maxPending,
      compression: CompressionType.NONE,
      // pulsar-perf's --send-timeout defaults to 0 (none); match it.
      sendTimeoutMs: 0,
    });
    const payload = benchPayload(job.size);
    const message = { value: payload };
    let receipts = 0;
    let failures = 0;
    let firstError: string | undefined;
    let endMs = 0;
    let allDone: () => void = () => {};
    const done = new Promise<void>((resolve) => (allDone = resolve));
    const onReceipt = (err: Error | undefined, _id: MessageId | undefined): void => {
      if (err) {
        failures++;
        firstError ??= err.message;
      } else {
        receipts++;
      }
      if (receipts + failures === job.messages) {
        endMs = epochNowMs();
        allDone();
      }
    };
    const profiler = await startProfile(job);
    const startMs = epochNowMs();
    for (let i = 0; i < job.messages; i++) await producer.dispatch(message, onReceipt);
    await done;
    await profiler?.stop();
    await producer.close();
    return { startMs, endMs, count: receipts, failures, firstError, bytes: receipts * job.size };
  } finally {
    await client.close();
  }
}

async function consume(job: WorkerJob): Promise<WorkerResult> {
  const client = new PulsarClient({ serviceUrl: job.serviceUrl });
  try {
    const consumer = await client.subscribe({
      topic: job.topic,
      subscription: job.subscription,
      subscriptionType: job.subscriptionType,
      initialPosition: 'Earliest',
      receiverQueueSize: job.receiverQueueSize,
    });
    const profiler = await startProfile(job);
    // Like pulsar-perf's "Start receiving": the clock starts once the subscription is in place.
    const startMs = epochNowMs();
    let count = 0;
    let bytes = 0;
    while (count < job.messages) {
      const m = await consumer.receive(job.idleTimeoutMs);
      consumer.ack(m);
      count++;
      bytes += m.size;
    }
    const endMs = epochNowMs();
    await profiler?.stop();
    // Anything already delivered past N would be a duplicate or a stray; report it (the broker stats check the rest).
    const extra = consumer.queued;
    await consumer.close();
    return { startMs, endMs, count, failures: 0, bytes, extra };
  } finally {
    await client.close();
  }
}

/** CPU-profiles exactly the measured window (not tsx's start-up) when the job names a file. */
async function startProfile(job: WorkerJob): Promise<{ stop: () => Promise<void> } | undefined> {
  const file = job.cpuProfileFile;
  if (file === undefined) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

async function main(): Promise<void> {
  const raw = process.argv[2];
  if (!raw) throw new StrobeError('BENCH_USAGE', 'usage: strobe-client-worker.ts <job JSON>');
  const job = JSON.parse(raw) as WorkerJob;
  const result = job.mode === 'produce' ? await produce(job) : await consume(job);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`strobe-client-worker: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
