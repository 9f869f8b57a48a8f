// Figures of one contender run, from the broker's view (counters, entry timestamps), the topics read back
// and the /proc samples of the contender's process.
import type { ProcSampler } from '../lib/proc-sampler.js';
import { mean, quantileSorted, ratePerSecond } from '../lib/summary-stats.js';
import type { ContenderName } from './contenders.js';
import type { ScoringRun } from './scoring-run.js';
import type { Readback, ReadbackRow } from './topic-readback.js';

/** Resources of the contender's process over a window. */
export interface ProcessFigures {
  readonly cpuSeconds: number;
  readonly cpuSecondsPer1k: number;
  /** CPU seconds ÷ window seconds: cores the process kept busy. */
  readonly coresBusy: number;
  readonly peakRssMiB: number;
  readonly brokerCpuSecondsPer1k: number | undefined;
  /** Cores busy with everything but the contender and the broker (other work on the shared machine). */
  readonly otherCoresBusy: number;
}

export function processFigures(
  sampler: ProcSampler,
  others: { readonly broker: ProcSampler | undefined; readonly machine: ProcSampler | undefined },
  events: number,
  startMs: number | undefined,
  endMs: number | undefined,
): ProcessFigures {
  const ok = startMs !== undefined && endMs !== undefined && endMs > startMs;
  const between = (s: ProcSampler | undefined): number => (s && ok ? s.cpuSecondsBetween(startMs, endMs) : Number.NaN);
  const cpu = between(sampler);
  const broker = between(others.broker);
  const machine = between(others.machine);
  const seconds = ok ? (endMs - startMs) / 1000 : Number.NaN;
  return {
    cpuSeconds: cpu,
    cpuSecondsPer1k: (cpu * 1000) / events,
    coresBusy: cpu / seconds,
    peakRssMiB: sampler.peakRssBytes / 2 ** 20,
    brokerCpuSecondsPer1k: Number.isNaN(broker) ? undefined : (broker * 1000) / events,
    otherCoresBusy: (machine - cpu - (Number.isNaN(broker) ? 0 : broker)) / seconds,
  };
}

export interface OutputCheck {
  readonly outputs: number;
  readonly distinctIds: number;
  readonly problems: readonly string[];
}

/** A run counts only if it wrote exactly one output per input: N messages, N distinct transactions. */
export function checkOutputs(out: Readback, events: number): OutputCheck {
  const ids = new Set(out.rows.map((r) => r.id));
  const problems: string[] = [];
  if (out.rows.length !== events) problems.push(`read back ${out.rows.length} outputs, expected ${events}`);
  if (ids.size !== out.rows.length) problems.push(`${out.rows.length - ids.size} duplicate outputs`);
  if (out.undecodable > 0) problems.push(`${out.undecodable} outputs did not decode`);
  return { outputs: out.rows.length, distinctIds: ids.size, problems };
}

/** When the last output reached the broker: its entry timestamp, else its publish time. */
export function lastOutputMs(out: Readback): number | undefined {
  let last: number | undefined;
  for (const r of out.rows) {
    const t = r.brokerTime ?? r.publishTime;
    if (last === undefined || t > last) last = t;
  }
  return last;
}

export interface DrainFigures extends ProcessFigures, OutputCheck {
  readonly contender: ContenderName;
  readonly events: number;
  /** First dispatch of the backlog to the contender's subscription (broker counters). */
  readonly startMs: number | undefined;
  /** Last output stored by the broker (entry timestamp), or the ceiling's own N-th receive. */
  readonly endMs: number | undefined;
  readonly windowMs: number;
  readonly drainRate: number;
  /** The same window as the contender measured it itself, where it reports one (Python, pulsar-perf). */
  readonly ownRate: number | undefined;
  readonly meanBatchSize: number;
  readonly meanBatchFill: number;
  /** Entries the broker wrote for the outputs (one per producer batch): its write work per event. */
  readonly outputEntries: number;
  readonly notes: readonly string[];
}

export function drainFigures(
  contender: ContenderName,
  events: number,
  sr: ScoringRun,
  out: Readback,
  batch: { size: number; fill: number; ownRate?: number; outputEntries: number },
): DrainFigures {
  const startMs = sr.firstDispatchMs;
  const endMs = lastOutputMs(out) ?? sr.outputCompleteMs;
  const check = checkOutputs(out, events);
  return {
    contender,
    events,
    startMs,
    endMs,
    windowMs: startMs !== undefined && endMs !== undefined ? endMs - startMs : Number.NaN,
    drainRate: ratePerSecond(events, startMs, endMs),
    ownRate: batch.ownRate,
    ...processFigures(sr.run.sampler, sr.others, events, startMs, endMs),
    ...check,
    problems: [...sr.problems, ...check.problems],
    meanBatchSize: batch.size,
    meanBatchFill: batch.fill,
    outputEntries: batch.outputEntries,
    notes: [],
  };
}

export interface LatencyStats {
  /** Events measured (after the warm-up). */
  readonly measured: number;
  /** Inputs without an output (should be 0). */
  readonly unmatched: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
  /** p99 with the output's producer publish time instead of the broker's entry timestamp. */
  readonly p99ProducerStamped: number;
}

/**
 * End-to-end latency per event: the output's broker entry timestamp (the output reached the broker) minus
 * the input's producer publish time (the input left its producer), joined on transaction_id. Inputs
 * published in the first `warmupMs` (start-up, JIT) and the last `cooldownMs` (a finite run's last
 * partial batch waits for a timer a steady stream would not need) are left out.
 */
export function latencyStats(inputs: readonly ReadbackRow[], outputs: readonly ReadbackRow[], warmupMs: number, cooldownMs: number): LatencyStats {
  const outById = new Map<string, ReadbackRow>();
  for (const o of outputs) if (!outById.has(o.id)) outById.set(o.id, o);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of inputs) {
    first = Math.min(first, r.publishTime);
    last = Math.max(last, r.publishTime);
  }
  const broker: number[] = [];
  const producer: number[] = [];
  let unmatched = 0;
  for (const i of inputs) {
    if (i.publishTime < first + warmupMs || i.publishTime > last - cooldownMs) continue;
    const o = outById.get(i.id);
    if (!o) {
      unmatched++;
      continue;
    }
    broker.push((o.brokerTime ?? o.publishTime) - i.publishTime);
    producer.push(o.publishTime - i.publishTime);
  }
  broker.sort((a, b) => a - b);
  producer.sort((a, b) => a - b);
  return {
    measured: broker.length,
    unmatched,
    p50: quantileSorted(broker, 0.5),
    p99: quantileSorted(broker, 0.99),
    p999: quantileSorted(broker, 0.999),
    max: broker[broker.length - 1] ?? Number.NaN,
    mean: mean(broker),
    p99ProducerStamped: quantileSorted(producer, 0.99),
  };
}

export interface Parity {
  readonly a: ContenderName;
  readonly b: ContenderName;
  readonly compared: number;
  readonly maxAbsDiff: number;
  readonly labelDisagreements: number;
  /** Transactions scored by one side only. */
  readonly missing: number;
}

/** Scores of two contenders on the same transactions. */
export function scoreParity(a: ContenderName, ra: readonly ReadbackRow[], b: ContenderName, rb: readonly ReadbackRow[]): Parity {
  const byId = new Map(rb.map((r) => [r.id, r]));
  let compared = 0;
  let maxAbsDiff = 0;
  let labelDisagreements = 0;
  let missing = 0;
  for (const r of ra) {
    const o = byId.get(r.id);
    if (!o || r.score === undefined || o.score === undefined) {
      missing++;
      continue;
    }
    compared++;
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(r.score - o.score));
    if (r.label !== o.label) labelDisagreements++;
  }
  return { a, b, compared, maxAbsDiff, labelDisagreements, missing: missing + Math.max(0, rb.length - compared) };
}
