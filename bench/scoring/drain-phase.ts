// Phase 1: one pre-filled backlog, drained by every contender in turn with its own subscription.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StrobeError } from '../../src/errors.js';
import { readProfile } from '../lib/cpu-profile-summary.js';
import { runSampled } from '../lib/run-sampled.js';
import { ratePerSecond } from '../lib/summary-stats.js';
import { runJavaCeiling, type ContenderName } from './contenders.js';
import { drainFigures, scoreParity, type DrainFigures, type Parity } from './figures.js';
import { profileBreakdown, type ProfileBreakdown } from './profile-breakdown.js';
import { benchTopic, createKeptTopic, deleteTopics, runScorer, topicEntries, type ScorerName, type ScoringContext } from './scoring-context.js';
import { fraudScoreDecoder, readTopic, type ReadbackRow } from './topic-readback.js';

export interface Backlog {
  readonly topic: string;
  readonly events: number;
  readonly produceSeconds: number;
  /** Subscription per contender (and one for a profiled Strobe rerun), created before the data. */
  readonly subscriptions: Readonly<Record<string, string>>;
}

const PROFILE_SUB = 'bench-strobe-profile';

/**
 * Creates the input topic and every subscription first (so the broker keeps the backlog for all of them),
 * then fills it once with `strobe produce`.
 */
export async function produceBacklog(ctx: ScoringContext, contenders: readonly ContenderName[], events: number): Promise<Backlog> {
  const topic = benchTopic(ctx, 'tx');
  await createKeptTopic(ctx, topic);
  const subscriptions: Record<string, string> = {};
  for (const c of [...contenders, 'profile']) {
    subscriptions[c] = c === 'profile' ? PROFILE_SUB : `bench-${c}`;
    await ctx.admin.createSubscription(topic, subscriptions[c], 'earliest');
  }
  const args = [...ctx.strobeCli, 'produce', topic, '-n', String(events), '--keys', String(ctx.keys), '--seed', String(ctx.seed), '--service-url', ctx.conn.serviceUrl, '--admin-url', ctx.conn.adminUrl];
  const run = await runSampled(process.execPath, args, { cwd: ctx.projectRoot, timeoutMs: 1_800_000 });
  const msgIn = (await ctx.admin.topicStats(topic)).msgInCounter;
  if (run.code !== 0 || msgIn !== events) {
    throw new StrobeError('BENCH_PRODUCE_FAILED', `strobe produce: exit ${String(run.code)}, broker took in ${msgIn} of ${events}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  ctx.log(`backlog: ${events} transactions over ${ctx.keys} keys in ${topic} (${run.wallSeconds.toFixed(1)} s to produce)`);
  return { topic, events, produceSeconds: run.wallSeconds, subscriptions };
}

/** Generous: the slowest contender (maxBatchSize 1 on a busy machine) may drain at a few hundred events/s. */
function timeoutFor(events: number): number {
  return Math.max(180_000, events * 10);
}

export interface ScorerDrain {
  readonly figures: DrainFigures;
  readonly rows: readonly ReadbackRow[];
}

export async function drainScorer(ctx: ScoringContext, backlog: Backlog, contender: ScorerName): Promise<ScorerDrain> {
  const output = benchTopic(ctx, `scores-${contender}`);
  await createKeptTopic(ctx, output);
  const r = await runScorer(ctx, contender, {
    input: backlog.topic,
    output,
    subscription: backlog.subscriptions[contender] ?? `bench-${contender}`,
    count: backlog.events,
    timeoutMs: timeoutFor(backlog.events),
    tag: `drain-${contender}`,
  });
  const out = await readTopic(ctx.client, output, backlog.events, fraudScoreDecoder(r.fn.config.schemas.output.path));
  const outputEntries = await topicEntries(ctx, output);
  await deleteTopics(ctx, [output]);
  const ownRate = r.python ? ratePerSecond(r.python.count, r.python.firstReceiveMs, r.python.lastReceiptMs) : undefined;
  const figures = drainFigures(contender, backlog.events, r.sr, out, { size: r.meanBatchSize, fill: r.meanBatchFill, ownRate, outputEntries });
  return { figures, rows: out.rows };
}

/** The Java ceiling's figures in the same shape (its output is what it received; it scores nothing). */
export async function drainJava(ctx: ScoringContext, backlog: Backlog): Promise<DrainFigures> {
  const p = await runJavaCeiling({
    admin: ctx.admin,
    conn: ctx.conn,
    projectRoot: ctx.projectRoot,
    topic: backlog.topic,
    subscription: backlog.subscriptions.java ?? 'bench-java',
    subscriptionType: 'Key_Shared',
    events: backlog.events,
    receiverQueueSize: ctx.receiverQueueSize,
    timeoutMs: timeoutFor(backlog.events),
  });
  const startMs = p.brokerStartMs ?? p.clientStartMs;
  const endMs = p.clientStartMs !== undefined && p.clientWindowMs !== undefined ? p.clientStartMs + p.clientWindowMs : undefined;
  const windowS = startMs !== undefined && endMs !== undefined ? (endMs - startMs) / 1000 : Number.NaN;
  return {
    contender: 'java',
    events: backlog.events,
    startMs,
    endMs,
    windowMs: windowS * 1000,
    drainRate: ratePerSecond(backlog.events, startMs, endMs),
    ownRate: p.clientRate,
    cpuSeconds: p.cpuSecondsInWindow,
    cpuSecondsPer1k: (p.cpuSecondsInWindow * 1000) / backlog.events,
    coresBusy: p.clientWindowMs ? (p.cpuSecondsInWindow * 1000) / p.clientWindowMs : Number.NaN,
    peakRssMiB: p.peakRssMiB,
    brokerCpuSecondsPer1k: p.brokerCpuSecondsInWindow === undefined ? undefined : (p.brokerCpuSecondsInWindow * 1000) / backlog.events,
    otherCoresBusy: p.otherCoresBusy,
    outputs: p.clientCount ?? 0,
    distinctIds: Number.NaN,
    problems: p.problems,
    meanBatchSize: Number.NaN,
    meanBatchFill: Number.NaN,
    outputEntries: 0,
    notes: ['no scoring: receives and acks only', ...p.notes],
  };
}

/** Parity of every pair with Strobe's default run (scores of the same transactions). */
export function parities(rows: ReadonlyMap<ScorerName, readonly ReadbackRow[]>): Parity[] {
  const strobe = rows.get('strobe');
  if (!strobe) return [];
  return [...rows.entries()].filter(([c]) => c !== 'strobe').map(([c, r]) => scoreParity('strobe', strobe, c, r));
}

/** Drains the backlog once more with a CPU-profiled Strobe worker and summarises the profile by stage. */
export async function profileStrobe(ctx: ScoringContext, backlog: Backlog): Promise<{ breakdown: ProfileBreakdown; file: string; drainRate: number }> {
  // Outside the work dir (removed at the end): the profile is kept for a closer look.
  const dir = join(tmpdir(), `strobe-bench-scoring-profile-${ctx.runId}`);
  const output = benchTopic(ctx, 'scores-profile');
  await createKeptTopic(ctx, output);
  const r = await runScorer(ctx, 'strobe', {
    input: backlog.topic,
    output,
    subscription: PROFILE_SUB,
    count: backlog.events,
    timeoutMs: timeoutFor(backlog.events),
    cpuProfileDir: dir,
    tag: 'profile',
  });
  await deleteTopics(ctx, [output]);
  const file = readdirProfile(dir);
  const drainRate = ratePerSecond(backlog.events, r.sr.firstDispatchMs, r.sr.outputCompleteMs);
  return { breakdown: profileBreakdown(readProfile(file), ctx.projectRoot), file, drainRate };
}

function readdirProfile(dir: string): string {
  const name = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (name === undefined) throw new StrobeError('BENCH_NO_PROFILE', `the profiled worker wrote no .cpuprofile into ${dir}`);
  return join(dir, name);
}
