// Writes generated transactions at a fixed rate, released on millisecond ticks rather than in bursts, so
// the latency phase offers every contender the same smooth load. Same producer settings as `strobe
// produce` (Avro schema registered, key-based batching).
import { resolve } from 'node:path';
import type { PulsarClient } from '../../src/client/client.js';
import { recordSource } from '../../src/cli/record-source.js';
import { StrobeError } from '../../src/errors.js';
import { avroSchemaInfo } from '../../src/schema/pulsar-schema.js';

export interface PacedProduceOptions {
  readonly projectRoot: string;
  readonly topic: string;
  readonly count: number;
  readonly ratePerSecond: number;
  readonly keys: number;
  readonly seed: number;
}

export interface PacedProduceResult {
  readonly confirmed: number;
  readonly seconds: number;
  /** Rate actually achieved (sent ÷ time to the last send). */
  readonly achievedRate: number;
  /** Largest lag of the sender behind its schedule (ms): above a few ms the producer itself could not keep up. */
  readonly maxLagMs: number;
  /** CPU seconds of this (the harness) process while producing: the load generator's share of the machine. */
  readonly cpuSeconds: number;
}

export async function producePaced(client: PulsarClient, o: PacedProduceOptions): Promise<PacedProduceResult> {
  const source = recordSource({
    source: 'transactions',
    transactionSchemaFile: resolve(o.projectRoot, 'schemas', 'transaction.avsc'),
    keys: o.keys,
    keyDistribution: 'uniform',
    seed: o.seed,
  });
  const producer = await client.createProducer({ topic: o.topic, schema: avroSchemaInfo(o.topic, source.schema), batchingType: 'keyBased', maxPendingMessages: 5000 });
  let confirmed = 0;
  let failure: Error | undefined;
  let maxLagMs = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let sent = 0;
  try {
    while (sent < o.count) {
      const now = performance.now();
      const due = Math.min(o.count, Math.floor(((now - t0) * o.ratePerSecond) / 1000) + 1);
      if (due > sent + 1) maxLagMs = Math.max(maxLagMs, ((due - sent - 1) * 1000) / o.ratePerSecond);
      while (sent < due) {
        const { record, key } = source.next();
        await producer.dispatch({ value: source.type.toBuffer(record), key, eventTime: record.event_time as number }, (err) => {
          if (err) failure ??= err;
          else confirmed++;
        });
        sent++;
      }
      // At least a 1 ms timer, never a spin: the generator shares the machine with the contender.
      const next = t0 + ((sent + 0.5) * 1000) / o.ratePerSecond;
      await new Promise((r) => setTimeout(r, Math.max(1, Math.floor(next - performance.now()))));
    }
    const lastSend = performance.now();
    await producer.flush();
    if (failure) throw new StrobeError('BENCH_PRODUCE_FAILED', `paced producer: ${failure.message}`, { cause: failure });
    const cpu = process.cpuUsage(cpu0);
    return { confirmed, seconds: (performance.now() - t0) / 1000, achievedRate: (sent * 1000) / Math.max(1, lastSend - t0), maxLagMs, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    await producer.close();
  }
}
