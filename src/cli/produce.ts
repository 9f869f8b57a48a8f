import type { PulsarClient } from '../client/client.js';
import { avroSchemaInfo } from '../schema/pulsar-schema.js';
import { pace } from './progress.js';
import type { RecordSource } from './record-source.js';

export interface ProduceOptions {
  readonly topic: string;
  /** Stop after this many records; Infinity = until `signal` aborts. */
  readonly count: number;
  /** Records per second; 0 = as fast as the broker confirms. */
  readonly rate: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (sent: number, confirmed: number, failed: number) => void;
}

export interface ProduceResult {
  readonly sent: number;
  readonly confirmed: number;
  readonly failed: number;
  readonly seconds: number;
}

/** Writes Avro records from `source` to `topic` (schema registered, key-based batching), paced to `rate`. */
export async function produceRecords(client: PulsarClient, source: RecordSource, o: ProduceOptions): Promise<ProduceResult> {
  const producer = await client.createProducer({ topic: o.topic, schema: avroSchemaInfo(o.topic, source.schema), batchingType: 'keyBased', maxPendingMessages: 5000 });
  const t0 = performance.now();
  const paceEvery = o.rate > 0 ? Math.max(1, Math.min(256, Math.round(o.rate / 100))) : 256;
  let sent = 0;
  let confirmed = 0;
  let failed = 0;
  let firstError: Error | undefined;
  try {
    while (sent < o.count && !o.signal?.aborted) {
      const { record, key } = source.next();
      const eventTime = typeof record.event_time === 'number' ? record.event_time : undefined;
      await producer.dispatch({ value: source.type.toBuffer(record), key, eventTime }, (err) => {
        if (err) {
          failed++;
          firstError ??= err;
        } else confirmed++;
      });
      sent++;
      // Pace in small steps (about 10 ms of traffic) so the input is smooth, not bursts of hundreds.
      if (sent % paceEvery === 0) {
        o.onProgress?.(sent, confirmed, failed);
        await pace(sent, t0, o.rate);
      }
    }
    await producer.flush();
  } finally {
    await producer.close();
  }
  o.onProgress?.(sent, confirmed, failed);
  if (failed > 0 && firstError) throw Object.assign(firstError, { sent, confirmed, failed });
  return { sent, confirmed, failed, seconds: (performance.now() - t0) / 1000 };
}
