import type { SubscriptionTypeName } from '../../src/client/partition-consumer.js';

/** What bench/lib/strobe-client-worker.ts is asked to do (passed as one JSON argument). */
export interface WorkerJob {
  readonly mode: 'produce' | 'consume';
  readonly serviceUrl: string;
  readonly topic: string;
  readonly messages: number;
  readonly size: number;
  readonly batchMaxMessages: number;
  readonly batchMaxBytes: number;
  readonly batchDelayMs: number;
  readonly maxPending: number;
  readonly subscription: string;
  readonly subscriptionType: SubscriptionTypeName;
  readonly receiverQueueSize: number;
  /** A consumer gives up when no message comes for this long. */
  readonly idleTimeoutMs: number;
  /** Write a V8 CPU profile of the measured window here. */
  readonly cpuProfileFile?: string;
}

/** What the worker reports: its own measurement window (epoch ms) and counts. */
export interface WorkerResult {
  /** Produce: just before the first send. Consume: once subscribed. */
  readonly startMs: number;
  /** Produce: the N-th receipt. Consume: the N-th message received and acked. */
  readonly endMs: number;
  readonly count: number;
  readonly failures: number;
  readonly firstError?: string;
  readonly bytes: number;
  /** Consume: messages already delivered beyond N (should be 0). */
  readonly extra?: number;
}

export const RESULT_PREFIX = 'RESULT ';

/** The worker's result from its stdout, or undefined if it printed none. */
export function parseWorkerResult(stdout: string): WorkerResult | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  return line === undefined ? undefined : (JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkerResult);
}

/** Wall-clock ms with sub-ms precision, comparable across processes (and with Java's UNIX_MILLIS logs). */
export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A payload of `size` printable bytes (pulsar-perf also sends one fixed random A–Z payload). */
export function benchPayload(size: number, seed = 0x5eed): Buffer {
  const b = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = 65 + ((x >>> 0) % 26);
  }
  return b;
}
