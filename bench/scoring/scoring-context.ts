// What every phase of the scoring benchmark shares, and how one scoring contender is started on a topic.
import { join } from 'node:path';
import type { PulsarAdmin } from '../../src/client/admin.js';
import type { PulsarClient } from '../../src/client/client.js';
import { restPath } from '../../src/client/topic-name.js';
import { StrobeError } from '../../src/errors.js';
import { parsePromText, promHistogramMean, promSum } from '../lib/prometheus-text.js';
import { PYTHON_BATCH, parsePythonResult, pythonProcess, strobeProcess, type Connection, type ContenderName, type PythonResult } from './contenders.js';
import { FUNCTION_NAME, prepareScoringFunction, type ScoringFunction } from './scoring-function.js';
import { runScoringProcess, type ScoringRun } from './scoring-run.js';

export interface ScoringContext {
  readonly admin: PulsarAdmin;
  readonly client: PulsarClient;
  readonly conn: Connection;
  readonly projectRoot: string;
  /** Temp dir for function copies, job files and profiles. */
  readonly workDir: string;
  /** Node arguments that start the `strobe` CLI (compiled main.js or bin/strobe.js). */
  readonly strobeCli: readonly string[];
  /** The venv python with pulsar-client, fastavro and onnxruntime (undefined: not installed). */
  readonly python: string | undefined;
  readonly runId: string;
  readonly keys: number;
  readonly seed: number;
  readonly receiverQueueSize: number;
  /** Function settings changed for the Strobe contenders (dotted paths), for experiments; empty: as shipped. */
  readonly strobeSet: Readonly<Record<string, number | string | boolean>>;
  readonly log: (line: string) => void;
}

export type ScorerName = Exclude<ContenderName, 'java'>;

/** One scoring contender's run on `input` → `output`, with its batch figures. */
export interface ScorerRun {
  readonly fn: ScoringFunction;
  readonly sr: ScoringRun;
  readonly meanBatchSize: number;
  readonly meanBatchFill: number;
  /** Strobe's own view (its /metrics): where an event's time goes inside the worker. */
  readonly strobeStages: StrobeStages | undefined;
  readonly python: PythonResult | undefined;
}

export interface StrobeStages {
  /** Mean wait of a batch's oldest event in the key batcher (ms). */
  readonly queueWaitMs: number;
  /** Mean model call (ms). */
  readonly inferenceMs: number;
  /** Batches flushed because they were full, and because their oldest event had waited maxWaitMs. */
  readonly flushedFull: number;
  readonly flushedOnTime: number;
}

export interface ScorerRunOptions {
  readonly input: string;
  readonly output: string;
  readonly subscription: string;
  readonly count: number;
  readonly timeoutMs: number;
  readonly produce?: () => Promise<unknown>;
  readonly cpuProfileDir?: string;
  /** Distinguishes the function copy's directory. */
  readonly tag: string;
}

/** Starts the contender on the topics, waits until every input is scored and acked, and stops it. */
export async function runScorer(ctx: ScoringContext, contender: ScorerName, o: ScorerRunOptions): Promise<ScorerRun> {
  const fn = prepareScoringFunction({
    projectRoot: ctx.projectRoot,
    workDir: ctx.workDir,
    tag: o.tag,
    input: o.input,
    output: o.output,
    subName: o.subscription,
    set: contender === 'python' ? {} : { ...ctx.strobeSet, ...(contender === 'strobe-batch1' ? { 'batching.maxBatchSize': 1 } : {}) },
  });
  const runOpts = { admin: ctx.admin, input: o.input, subscription: o.subscription, output: o.output, count: o.count, produce: o.produce, timeoutMs: o.timeoutMs, cwd: ctx.projectRoot };
  if (contender === 'python') {
    if (ctx.python === undefined) throw new StrobeError('BENCH_NO_PYTHON', 'the Python peers are not installed: run `npx tsx src/local-pulsar/cli.ts peers`');
    const proc = pythonProcess({ python: ctx.python, jobFile: join(ctx.workDir, `python-${o.tag}.json`), fn, conn: ctx.conn, subscription: o.subscription, count: o.count, receiverQueueSize: ctx.receiverQueueSize });
    const sr = await runScoringProcess(proc, runOpts);
    const python = parsePythonResult(sr.run.stdout);
    const size = python?.meanBatchSize ?? Number.NaN;
    return { fn, sr, meanBatchSize: size, meanBatchFill: size / PYTHON_BATCH.size, strobeStages: undefined, python };
  }
  const sr = await runScoringProcess(strobeProcess(ctx.strobeCli, fn, ctx.conn, o.cpuProfileDir), runOpts);
  const metrics = parsePromText(sr.scraped ?? '');
  const where = { function: FUNCTION_NAME };
  return {
    fn,
    sr,
    meanBatchSize: promHistogramMean(metrics, 'strobe_batch_size_events', where),
    meanBatchFill: promHistogramMean(metrics, 'strobe_batch_fill_ratio', where),
    strobeStages: {
      queueWaitMs: promHistogramMean(metrics, 'strobe_queue_wait_seconds', where) * 1000,
      inferenceMs: promHistogramMean(metrics, 'strobe_inference_duration_seconds', where) * 1000,
      flushedFull: promSum(metrics, 'strobe_batch_flushes_total', { ...where, reason: 'size' }),
      flushedOnTime: promSum(metrics, 'strobe_batch_flushes_total', { ...where, reason: 'time' }),
    },
    python: undefined,
  };
}

/** A topic name of this run. */
export function benchTopic(ctx: ScoringContext, suffix: string): string {
  return `persistent://public/default/bench-scoring-${ctx.runId}-${suffix}`;
}

/**
 * Creates a topic with a subscription that never consumes: the broker keeps every message until the topic
 * is deleted (no retention policy needed), so it can be read back after the contender acked it, and an
 * output topic is not removed as inactive when its producer closes.
 */
export async function createKeptTopic(ctx: ScoringContext, topic: string): Promise<void> {
  await ctx.admin.createTopic(topic);
  await ctx.admin.createSubscription(topic, 'bench-keep', 'earliest');
}

/** Entries the broker stored on a topic (a batch of messages is one entry): its write work, NaN if unknown. */
export async function topicEntries(ctx: ScoringContext, topic: string): Promise<number> {
  try {
    const { text } = await ctx.admin.request('GET', `/admin/v2/${restPath(topic)}/internalStats`);
    return (JSON.parse(text) as { entriesAddedCounter?: number }).entriesAddedCounter ?? Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export async function deleteTopics(ctx: ScoringContext, topics: readonly string[]): Promise<void> {
  for (const t of topics) {
    await ctx.admin.deleteTopic(t, { force: true }).catch((err: unknown) => ctx.log(`could not delete ${t}: ${(err as Error).message}`));
  }
}
