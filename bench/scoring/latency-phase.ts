// Phase 2: each scoring contender on a fresh topic written at a fixed rate while it runs; end-to-end latency
// per event from the topics read back.
import { latencyStats, processFigures } from './figures.js';
import { producePaced, type PacedProduceResult } from './paced-producer.js';
import type { LatencyResult } from './report.js';
import { benchTopic, createKeptTopic, deleteTopics, runScorer, type ScorerName, type ScoringContext } from './scoring-context.js';
import { fraudScoreDecoder, readTopic, transactionIdDecoder } from './topic-readback.js';

export interface LatencyRunOptions {
  readonly contender: ScorerName;
  readonly loadPercent: number;
  readonly rate: number;
  /** Measured seconds of input, after the warm-up. */
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Seconds of input after the measured part, left out (see latencyStats). */
  readonly cooldownSeconds: number;
  /** The contender's own drain rate from phase 1: above it the run is not made. */
  readonly maxRate: number;
}

export async function latencyRun(ctx: ScoringContext, o: LatencyRunOptions): Promise<LatencyResult> {
  const events = Math.max(100, Math.round(o.rate * (o.warmupSeconds + o.seconds + o.cooldownSeconds)));
  const base = { contender: o.contender, loadPercent: o.loadPercent, offeredRate: o.rate, events };
  if (!(o.rate <= o.maxRate)) {
    return {
      ...base,
      achievedRate: undefined,
      producerMaxLagMs: undefined,
      producerCores: undefined,
      stats: undefined,
      meanBatchSize: Number.NaN,
      meanBatchFill: Number.NaN,
      strobeStages: undefined,
      cpuSecondsPer1k: Number.NaN,
      otherCoresBusy: Number.NaN,
      skipped: `not run: above its drain rate (${Math.round(o.maxRate)}/s)`,
      problems: [],
    };
  }
  const tag = `lat-${o.contender}-${o.loadPercent}`;
  const input = benchTopic(ctx, `${tag}-tx`);
  const output = benchTopic(ctx, `${tag}-scores`);
  const subscription = `bench-${o.contender}`;
  await createKeptTopic(ctx, input);
  await createKeptTopic(ctx, output);
  await ctx.admin.createSubscription(input, subscription, 'earliest');
  try {
    const r = await runScorer(ctx, o.contender, {
      input,
      output,
      subscription,
      count: events,
      // An overloaded contender drains what piled up at its own rate; leave it the time.
      timeoutMs: 120_000 + ((events * 1000) / Math.max(1, o.maxRate)) * 4,
      tag,
      produce: () => producePaced(ctx.client, { projectRoot: ctx.projectRoot, topic: input, count: events, ratePerSecond: o.rate, keys: ctx.keys, seed: ctx.seed }),
    });
    const produced = r.sr.produced as PacedProduceResult | undefined;
    const inRows = await readTopic(ctx.client, input, events, transactionIdDecoder(r.fn.config.schemas.input.path));
    const outRows = await readTopic(ctx.client, output, events, fraudScoreDecoder(r.fn.config.schemas.output.path));
    const stats = latencyStats(inRows.rows, outRows.rows, o.warmupSeconds * 1000, o.cooldownSeconds * 1000);
    const first = inRows.rows.reduce((m, x) => Math.min(m, x.publishTime), Number.POSITIVE_INFINITY);
    const last = outRows.rows.reduce((m, x) => Math.max(m, x.brokerTime ?? x.publishTime), 0);
    const proc = processFigures(r.sr.run.sampler, r.sr.others, events, Number.isFinite(first) ? first : undefined, last > 0 ? last : undefined);
    const problems = [...r.sr.problems];
    if (outRows.rows.length !== events) problems.push(`read back ${outRows.rows.length} outputs, expected ${events}`);
    if (stats.unmatched > 0) problems.push(`${stats.unmatched} inputs without an output`);
    if (produced && produced.achievedRate < o.rate * 0.95) problems.push(`the paced producer reached only ${Math.round(produced.achievedRate)}/s`);
    return {
      ...base,
      achievedRate: produced?.achievedRate,
      producerMaxLagMs: produced?.maxLagMs,
      producerCores: produced ? produced.cpuSeconds / produced.seconds : undefined,
      stats,
      meanBatchSize: r.meanBatchSize,
      meanBatchFill: r.meanBatchFill,
      strobeStages: r.strobeStages,
      cpuSecondsPer1k: proc.cpuSecondsPer1k,
      otherCoresBusy: proc.otherCoresBusy,
      skipped: undefined,
      problems,
    };
  } finally {
    await deleteTopics(ctx, [input, output]);
  }
}
