// Reads a whole topic back after a contender run: what each message says (transaction id, score) and
// when it was published (producer stamp and the broker's entry timestamp), for counts, parity and latency.
import { readFileSync } from 'node:fs';
import type avro from 'avsc';
import type { PulsarClient } from '../../src/client/client.js';
import { StrobeError } from '../../src/errors.js';
import { avroType } from '../../src/schema/avro-codec.js';

export interface ReadbackRow {
  readonly id: string;
  /** Producer's publish time (ms): when the producer sent the message (its batch) to the broker. */
  readonly publishTime: number;
  /** Broker's entry timestamp (ms) when the broker exposes entry metadata, else undefined. */
  readonly brokerTime: number | undefined;
  readonly score?: number;
  readonly label?: boolean;
}

export interface Readback {
  readonly rows: readonly ReadbackRow[];
  /** Messages that did not decode. */
  readonly undecodable: number;
}

type Decode = (value: Buffer) => { id: string; score?: number; label?: boolean };

interface NamedSchema {
  readonly name: string;
  readonly namespace?: string;
}

/** Decodes only `transaction_id` of a transaction (a reader schema of one field, resolved against the writer's). */
export function transactionIdDecoder(schemaFile: string): Decode {
  const writerSchema = JSON.parse(readFileSync(schemaFile, 'utf8')) as NamedSchema;
  const writer = avroType(writerSchema);
  const reader = avroType({ type: 'record', name: writerSchema.name, namespace: writerSchema.namespace, fields: [{ name: 'transaction_id', type: 'string' }] });
  const resolver = reader.createResolver(writer);
  return (value) => ({ id: (reader.fromBuffer(value, resolver, true) as { transaction_id: string }).transaction_id });
}

/** Decodes a fraud score: its transaction, score and label. */
export function fraudScoreDecoder(schemaFile: string): Decode {
  const type: avro.Type = avroType(JSON.parse(readFileSync(schemaFile, 'utf8')));
  return (value) => {
    const r = type.fromBuffer(value) as { transaction_id: string; fraud_score: number; is_fraud_predicted: boolean };
    return { id: r.transaction_id, score: r.fraud_score, label: r.is_fraud_predicted };
  };
}

/**
 * Reads `expected` messages of `topic` from the earliest with a throw-away Exclusive subscription, then
 * waits `graceMs` more for any beyond (so an over-count shows). Fails when fewer arrive by the deadline.
 */
export async function readTopic(client: PulsarClient, topic: string, expected: number, decode: Decode, opts: { timeoutMs?: number; graceMs?: number } = {}): Promise<Readback> {
  const subscription = `bench-readback-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const consumer = await client.subscribe({ topic, subscription, subscriptionType: 'Exclusive', initialPosition: 'Earliest', receiverQueueSize: 5000 });
  const rows: ReadbackRow[] = [];
  let undecodable = 0;
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  try {
    let graceUntil: number | undefined;
    while (graceUntil === undefined || Date.now() < graceUntil) {
      if (Date.now() > deadline) throw new StrobeError('BENCH_READBACK_TIMEOUT', `read ${rows.length} of ${expected} messages of ${topic} before the deadline`);
      for (const m of await consumer.batchReceive({ maxMessages: 5000, timeoutMs: 100 })) {
        try {
          rows.push({ ...decode(m.value), publishTime: m.publishTime, brokerTime: m.brokerPublishTime });
        } catch {
          undecodable++;
        }
      }
      if (graceUntil === undefined && rows.length + undecodable >= expected) graceUntil = Date.now() + (opts.graceMs ?? 300);
    }
  } finally {
    await consumer.close({ unsubscribe: true }).catch(() => undefined);
  }
  return { rows, undecodable };
}
