// Scoring benchmark: Strobe against what users would otherwise run, on the same broker, backlog and model.
//   npx tsx bench/scoring.ts [--events N] [--keys K] [--contenders strobe,strobe-batch1,python,java] [--quick]
// See bench/README.md for what is measured and how.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { PulsarAdmin } from '../src/client/admin.js';
import { PulsarClient } from '../src/client/client.js';
import { pythonPeer } from '../src/local-pulsar/peers.js';
import { projectRoot } from '../src/local-pulsar/paths.js';
import { compileWorker } from './lib/compile-worker.js';
import { describeMachine, machineLine } from './lib/machine-info.js';
import { fmt } from './lib/markdown-table.js';
import { dateStamp, RESULTS_DIR, writeResults } from './lib/results-file.js';
import { CONTENDERS, type ContenderName } from './scoring/contenders.js';
import { drainJava, drainScorer, parities, produceBacklog, profileStrobe, type Backlog } from './scoring/drain-phase.js';
import type { DrainFigures } from './scoring/figures.js';
import { latencyRun } from './scoring/latency-phase.js';
import type { ProfileBreakdown } from './scoring/profile-breakdown.js';
import { contenderLabel, goals, renderChart, renderMarkdown, type LatencyResult, type ReportInput } from './scoring/report.js';
import { deleteTopics, type ScorerName, type ScoringContext } from './scoring/scoring-context.js';
import type { ReadbackRow } from './scoring/topic-readback.js';

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string' },
    keys: { type: 'string' },
    seed: { type: 'string', default: '7' },
    contenders: { type: 'string', default: CONTENDERS.join(',') },
    quick: { type: 'boolean', default: false },
    // Input rates of the latency phase, in % of Strobe's drain rate (or of --base-rate).
    loads: { type: 'string' },
    'base-rate': { type: 'string' },
    'latency-seconds': { type: 'string' },
    'warmup-seconds': { type: 'string' },
    'cooldown-seconds': { type: 'string', default: '1' },
    // auto: profile a Strobe drain when Strobe misses a goal; always; never.
    profile: { type: 'string', default: 'auto' },
    // compiled: src/ built by tsc and run by plain node, as Strobe ships; bin: bin/strobe.js (dist/ if fresh, else tsx).
    'strobe-runtime': { type: 'string', default: 'compiled' },
    // Function settings for the Strobe contenders, e.g. model.onnx.intraOpNumThreads=1 (comma-separated).
    'strobe-set': { type: 'string', default: '' },
    'service-url': { type: 'string', default: process.env.PULSAR_SERVICE_URL ?? 'pulsar://127.0.0.1:6650' },
    'admin-url': { type: 'string', default: process.env.PULSAR_ADMIN_URL ?? 'http://127.0.0.1:8080' },
    'no-write': { type: 'boolean', default: false },
    tag: { type: 'string' },
    // Also write the results JSON here (the CI smoke test reads it).
    'json-out': { type: 'string' },
    // Re-render the .md and .svg of a results JSON (after a change to the report), without running anything.
    'from-json': { type: 'string' },
  },
});

const quick = flags.quick === true;
const events = Number(flags.events ?? (quick ? 3000 : 300_000));
const keys = Number(flags.keys ?? (quick ? 500 : 10_000));
const contenders = (flags.contenders ?? '').split(',').map((c) => c.trim()).filter((c) => c !== '') as ContenderName[];
const loads = (flags.loads ?? (quick ? '50' : '25,50,75')).split(',').map(Number);
const latencySeconds = Number(flags['latency-seconds'] ?? (quick ? 2 : 10));
const warmupSeconds = Number(flags['warmup-seconds'] ?? (quick ? 0.5 : 2));
const cooldownSeconds = Number(flags['cooldown-seconds']);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** `a.b=1,c=true` → { 'a.b': 1, c: true }. */
function parseSettings(text: string): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const pair of text.split(',').filter((p) => p.trim() !== '')) {
    const [k, v = ''] = pair.split('=').map((x) => x.trim());
    if (!k) continue;
    out[k] = v === 'true' ? true : v === 'false' ? false : v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

function describeDrain(d: DrainFigures): string {
  const state = d.problems.length === 0 ? 'ok' : `PROBLEM: ${d.problems.join('; ')}`;
  return `${contenderLabel(d.contender)}: ${fmt(d.drainRate)} events/s, ${fmt(d.cpuSecondsPer1k, 3)} CPU s/1k, peak RSS ${fmt(d.peakRssMiB)} MiB, batch ${fmt(d.meanBatchSize, 1)} — ${state}`;
}

async function main(): Promise<void> {
  const bad = contenders.filter((c) => !(CONTENDERS as readonly string[]).includes(c));
  if (bad.length > 0 || !Number.isInteger(events) || events <= 0) throw new Error(`usage: --contenders ${CONTENDERS.join(',')} (got ${bad.join(',')}), --events N > 0`);
  const conn = { serviceUrl: flags['service-url'] ?? '', adminUrl: flags['admin-url'] ?? '' };
  const admin = new PulsarAdmin({ adminUrl: conn.adminUrl });
  if (!(await admin.health())) throw new Error(`no healthy broker at ${conn.adminUrl}; start one with \`npm run broker:start\``);
  const machine = describeMachine();
  log(`machine: ${machineLine(machine)}`);
  const root = projectRoot();
  const runtime = flags['strobe-runtime'] === 'bin' ? 'bin/strobe.js' : 'compiled (tsc → node)';
  const strobeCli = flags['strobe-runtime'] === 'bin' ? [join(root, 'bin', 'strobe.js')] : [compileWorker(root, join(root, 'src', 'cli', 'main.ts'))];
  const workDir = mkdtempSync(join(tmpdir(), 'strobe-bench-scoring-'));
  const client = new PulsarClient({ serviceUrl: conn.serviceUrl, operationTimeoutMs: 30_000 });
  const runId = Date.now().toString(36);
  const ctx: ScoringContext = { admin, client, conn, projectRoot: root, workDir, strobeCli, python: pythonPeer(), runId, keys, seed: Number(flags.seed), receiverQueueSize: 1000, strobeSet: parseSettings(flags['strobe-set'] ?? ''), log };
  const maxWaitMs = 20;
  let backlog: Backlog | undefined;
  try {
    // Phase 1: drain the same backlog.
    backlog = await produceBacklog(ctx, contenders, events);
    const drain: DrainFigures[] = [];
    const rows = new Map<ScorerName, readonly ReadbackRow[]>();
    for (const c of contenders) {
      log(`draining with ${contenderLabel(c)} ...`);
      if (c === 'java') drain.push(await drainJava(ctx, backlog));
      else {
        const r = await drainScorer(ctx, backlog, c);
        drain.push(r.figures);
        rows.set(c, r.rows);
      }
      log(describeDrain(drain[drain.length - 1] as DrainFigures));
    }
    const parity = parities(rows);
    rows.clear();
    for (const p of parity) log(`parity ${p.a} vs ${p.b}: ${p.compared} compared, max |Δ| ${p.maxAbsDiff.toExponential(2)}, ${p.labelDisagreements} label disagreements, ${p.missing} missing`);

    // Phase 2: latency at fixed input rates, as shares of Strobe's drain rate.
    const rateOf = (c: ContenderName): number => drain.find((d) => d.contender === c && d.problems.length === 0)?.drainRate ?? Number.NaN;
    const baseRate = flags['base-rate'] !== undefined ? Number(flags['base-rate']) : rateOf('strobe');
    const latency: LatencyResult[] = [];
    const scorers = contenders.filter((c): c is ScorerName => c !== 'java');
    if (Number.isFinite(baseRate)) {
      for (const load of loads) {
        for (const c of scorers) {
          const rate = Math.round((baseRate * load) / 100);
          log(`latency: ${contenderLabel(c)} at ${load}% (${rate}/s) ...`);
          const l = await latencyRun(ctx, { contender: c, loadPercent: load, rate, seconds: latencySeconds, warmupSeconds, cooldownSeconds, maxRate: rateOf(c) });
          latency.push(l);
          log(`  ${l.skipped ?? `p50 ${fmt(l.stats?.p50, 1)} p99 ${fmt(l.stats?.p99, 1)} p99.9 ${fmt(l.stats?.p999, 1)} ms, fill ${fmt(l.meanBatchFill, 2)}${l.problems.length ? ` PROBLEM: ${l.problems.join('; ')}` : ''}`}`);
        }
      }
    } else log('latency phase skipped: no Strobe drain rate (or --base-rate) to set the input rates');

    const g = goals(drain, latency, maxWaitMs);
    let profile: { breakdown: ProfileBreakdown; file: string; drainRate: number } | undefined;
    const missed = g.some((x) => x.met === false);
    if (contenders.includes('strobe') && (flags.profile === 'always' || (flags.profile === 'auto' && missed))) {
      log('profiling a Strobe drain of the same backlog ...');
      profile = await profileStrobe(ctx, backlog);
      log(`profiled drain: ${fmt(profile.drainRate)} events/s; profile ${profile.file}`);
    }

    const at = new Date();
    const tag = flags.tag === undefined ? '' : `-${flags.tag}`;
    const chartName = `scoring-${dateStamp(at)}${tag}.svg`;
    const settings = {
      events, keys, seed: ctx.seed, contenders, loads, latencySeconds, warmupSeconds, cooldownSeconds, maxWaitMs,
      strobeRuntime: runtime, strobeSet: ctx.strobeSet, subscriptionType: 'Key_Shared', receiverQueueSize: ctx.receiverQueueSize,
      pythonBatch: '100 messages or 1 s', backlogProduceSeconds: backlog.produceSeconds, baseRate,
    };
    const report: ReportInput = {
      runId, at, machine, loadAtEnd: loadavg().map((x) => Math.round(x * 100) / 100), settings, drain, latency, parity, goals: g,
      profile: profile?.breakdown, chartFile: flags['no-write'] ? undefined : chartName,
    };
    const md = renderMarkdown(report);
    const json = { ...report, profile: profile ? { ...profile.breakdown, file: profile.file, drainRate: profile.drainRate } : undefined };
    process.stdout.write(`${md}\n`);
    if (!flags['no-write']) {
      const paths = writeResults('scoring', json, md, { at, tag: flags.tag });
      writeFileSync(join(RESULTS_DIR, chartName), renderChart(report));
      log(`wrote ${paths.json}, ${paths.md} and ${chartName}`);
    }
    if (flags['json-out'] !== undefined) {
      mkdirSync(dirname(flags['json-out']), { recursive: true });
      writeFileSync(flags['json-out'], `${JSON.stringify(json, null, 2)}\n`);
    }
    if (drain.some((d) => d.problems.length > 0) || latency.some((l) => l.problems.length > 0)) process.exitCode = 1;
  } finally {
    if (backlog) await deleteTopics(ctx, [backlog.topic]);
    await client.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Writes <base>.md and <base>.svg again from <base>.json. */
function rerender(file: string): void {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Omit<ReportInput, 'at'> & { at: string };
  const base = file.replace(/\.json$/, '');
  const report: ReportInput = { ...json, at: new Date(json.at), chartFile: `${basename(base)}.svg` };
  writeFileSync(`${base}.md`, `${renderMarkdown(report)}\n`);
  writeFileSync(`${base}.svg`, renderChart(report));
  log(`wrote ${base}.md and ${base}.svg`);
}

if (flags['from-json'] !== undefined) rerender(flags['from-json']);
else main().catch((err: unknown) => {
  log(`scoring: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
