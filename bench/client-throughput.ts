// Throughput of Strobe's Pulsar client against the official Java client (pulsar-perf), produce and consume.
//   npx tsx bench/client-throughput.ts [--messages N] [--sizes 100,1024] [--rounds 3] [--quick] [--profile]
// See bench/README.md for what is measured and how.
import { mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PulsarAdmin } from '../src/client/admin.js';
import type { SubscriptionTypeName } from '../src/client/partition-consumer.js';
import { projectRoot } from '../src/local-pulsar/paths.js';
import { compileWorker } from './lib/compile-worker.js';
import { summarizeProfile, readProfile, type ProfileSummary } from './lib/cpu-profile-summary.js';
import { describeMachine, machineLine } from './lib/machine-info.js';
import { fmt, markdownTable } from './lib/markdown-table.js';
import { writeResults } from './lib/results-file.js';
import { median, ratio } from './lib/summary-stats.js';
import { runPhase, STROBE_WORKER_SOURCE, strobeWorkerArgs, type Contender, type PhaseOptions, type PhaseResult } from './lib/throughput-phase.js';
import type { WorkerJob } from './lib/worker-protocol.js';

const { values: flags } = parseArgs({
  options: {
    messages: { type: 'string' },
    sizes: { type: 'string', default: '100,1024' },
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'max-pending': { type: 'string', default: '10000' },
    'subscription-type': { type: 'string', default: 'Exclusive' },
    'service-url': { type: 'string', default: process.env.PULSAR_SERVICE_URL ?? 'pulsar://127.0.0.1:6650' },
    'admin-url': { type: 'string', default: process.env.PULSAR_ADMIN_URL ?? 'http://127.0.0.1:8080' },
    'no-write': { type: 'boolean', default: false },
    // Suffix of the result files (client-throughput-<date>-<tag>), so a special run does not replace the day's main one.
    tag: { type: 'string' },
    // compiled: the worker and src/ built with tsc and run by plain node (as Strobe ships); tsx: from source.
    'strobe-runtime': { type: 'string', default: 'compiled' },
  },
});

const sizes = (flags.sizes ?? '100,1024').split(',').map((s) => Number(s.trim()));
const rounds = Number(flags.rounds ?? (flags.quick ? 2 : 3));
const settings = {
  strobeRuntime: flags['strobe-runtime'] === 'tsx' ? 'tsx' : 'compiled (tsc → node)',
  batchMaxMessages: 1000,
  batchMaxBytes: 128 * 1024,
  batchDelayMs: 10,
  maxPending: Number(flags['max-pending']),
  receiverQueueSize: 1000,
  subscriptionType: flags['subscription-type'] as SubscriptionTypeName,
};

function messagesFor(size: number): number {
  if (flags.messages !== undefined) return Number(flags.messages);
  if (flags.quick) return 5000;
  return size <= 100 ? 200_000 : 100_000;
}

const runId = Date.now().toString(36);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

function job(mode: 'produce' | 'consume', topic: string, size: number, n: number, cpuProfileFile?: string): WorkerJob {
  return {
    mode,
    serviceUrl: flags['service-url'] ?? 'pulsar://127.0.0.1:6650',
    topic,
    messages: n,
    size,
    ...settings,
    subscription: 'bench-throughput',
    idleTimeoutMs: 60_000,
    cpuProfileFile,
  };
}

function describe(r: PhaseResult): string {
  const state = r.problems.length === 0 ? 'ok' : `PROBLEM: ${r.problems.join('; ')}`;
  return (
    `${r.contender.padEnd(6)} ${r.mode.padEnd(7)} ${String(r.size).padStart(5)} B r${r.round}: ` +
    `${fmt(r.clientRate)} msg/s (broker-timed ${fmt(r.brokerRate)}), cpu ${r.cpuSecondsInWindow.toFixed(2)} s, ` +
    `rss ${r.peakRssMiB.toFixed(0)} MiB, other load ${r.otherCoresBusy.toFixed(2)} cores — ${state}`
  );
}

async function main(): Promise<void> {
  const adminUrl = flags['admin-url'] ?? 'http://127.0.0.1:8080';
  const admin = new PulsarAdmin({ adminUrl });
  if (!(await admin.health())) throw new Error(`no healthy broker at ${adminUrl}; start one with \`npm run broker:start\``);
  const machine = describeMachine();
  log(`machine: ${machineLine(machine)}`);
  const root = projectRoot();
  const runtime = flags['strobe-runtime'] === 'tsx' ? 'tsx' : 'compiled';
  const compiled = runtime === 'compiled' ? compileWorker(root, STROBE_WORKER_SOURCE) : undefined;
  log(`strobe worker: ${compiled ?? `tsx ${STROBE_WORKER_SOURCE}`}`);
  const phaseOpts: PhaseOptions = {
    admin,
    adminUrl,
    projectRoot: root,
    pollIntervalMs: 50,
    timeoutMs: 600_000,
    strobeWorker: strobeWorkerArgs(compiled),
  };
  const results: PhaseResult[] = [];
  const profiles: { size: number; mode: string; summary: ProfileSummary; file: string }[] = [];

  for (const size of sizes) {
    const n = messagesFor(size);
    for (let round = 1; round <= rounds; round++) {
      // Alternate who goes first so drift in machine load does not favour one side.
      const order: Contender[] = round % 2 === 1 ? ['strobe', 'java'] : ['java', 'strobe'];
      for (const contender of order) {
        const topic = `persistent://public/default/bench-tp-${runId}-${contender}-${size}-r${round}`;
        for (const mode of ['produce', 'consume'] as const) {
          const r = await runPhase(contender, job(mode, topic, size, n), round, phaseOpts);
          results.push(r);
          log(describe(r));
        }
        await admin.deleteTopic(topic, { force: true }).catch((err: unknown) => log(`could not delete ${topic}: ${(err as Error).message}`));
      }
    }
    if (flags.profile) {
      // Profiles are large and machine-specific: kept out of the tree, summarised in the report.
      const dir = join(tmpdir(), `strobe-bench-profiles-${runId}`);
      mkdirSync(dir, { recursive: true });
      const topic = `persistent://public/default/bench-tp-${runId}-profile-${size}`;
      for (const mode of ['produce', 'consume'] as const) {
        const file = join(dir, `client-throughput-${runId}-${size}-${mode}.cpuprofile`);
        const r = await runPhase('strobe', job(mode, topic, size, n, file), 0, phaseOpts);
        log(`profiled ${describe(r)}`);
        const summary = summarizeProfile(readProfile(file), 15, root);
        profiles.push({ size, mode, summary, file });
      }
      await admin.deleteTopic(topic, { force: true }).catch(() => undefined);
    }
  }

  const rows = summarize(results);
  const loadAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  const md = report(machine, loadAtEnd, rows, results, profiles);
  process.stdout.write(`${md}\n`);
  if (!flags['no-write']) {
    const paths = writeResults('client-throughput', { runId, machine, loadAtEnd, settings, rounds, sizes, rows, results, profiles }, md, { tag: flags.tag });
    log(`wrote ${paths.json} and ${paths.md}`);
  }
  if (results.some((r) => r.problems.length > 0)) process.exitCode = 1;
}

interface SummaryRow {
  readonly size: number;
  readonly mode: 'produce' | 'consume';
  readonly messages: number;
  readonly strobe: Medians;
  readonly java: Medians;
  readonly ratio: number;
  readonly brokerTimedRatio: number;
  /** Strobe's CPU per message ÷ Java's (below 1: Strobe is cheaper). Less sensitive to machine load than rates. */
  readonly cpuPerMessageRatio: number;
}

interface Medians {
  readonly rate: number;
  readonly brokerRate: number;
  readonly mbPerSecond: number;
  readonly cpuMicrosPerMessage: number;
  readonly coresBusy: number;
  readonly brokerCpuMicrosPerMessage: number;
  readonly peakRssMiB: number;
  /** Cores busy with other work during the runs (median): high values mean the rates are contended. */
  readonly otherCoresBusy: number;
  readonly verifiedRuns: number;
  readonly runs: number;
}

function medians(rs: readonly PhaseResult[]): Medians {
  const ok = rs.filter((r) => r.problems.length === 0);
  const n = rs[0]?.messages ?? 1;
  const size = rs[0]?.size ?? 0;
  const rate = median(ok.map((r) => r.clientRate));
  return {
    rate,
    brokerRate: median(ok.map((r) => r.brokerRate)),
    mbPerSecond: (rate * size) / 1e6,
    cpuMicrosPerMessage: median(ok.map((r) => (r.cpuSecondsInWindow * 1e6) / n)),
    coresBusy: median(ok.map((r) => (r.clientWindowMs ? (r.cpuSecondsInWindow * 1000) / r.clientWindowMs : Number.NaN))),
    brokerCpuMicrosPerMessage: median(ok.map((r) => ((r.brokerCpuSecondsInWindow ?? Number.NaN) * 1e6) / n)),
    peakRssMiB: median(ok.map((r) => r.peakRssMiB)),
    otherCoresBusy: median(ok.map((r) => r.otherCoresBusy)),
    verifiedRuns: ok.length,
    runs: rs.length,
  };
}

function summarize(results: readonly PhaseResult[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const size of sizes) {
    for (const mode of ['produce', 'consume'] as const) {
      const pick = (c: Contender): PhaseResult[] => results.filter((r) => r.size === size && r.mode === mode && r.contender === c);
      const s = medians(pick('strobe'));
      const j = medians(pick('java'));
      rows.push({
        size,
        mode,
        messages: messagesFor(size),
        strobe: s,
        java: j,
        ratio: ratio(s.rate, j.rate),
        brokerTimedRatio: ratio(s.brokerRate, j.brokerRate),
        cpuPerMessageRatio: ratio(s.cpuMicrosPerMessage, j.cpuMicrosPerMessage),
      });
    }
  }
  return rows;
}

function report(
  machine: ReturnType<typeof describeMachine>,
  loadAtEnd: readonly number[],
  rows: readonly SummaryRow[],
  results: readonly PhaseResult[],
  profiles: readonly { size: number; mode: string; summary: ProfileSummary; file: string }[],
): string {
  const out: string[] = [];
  out.push(`# Client throughput: Strobe vs the Java client (pulsar-perf)`, '');
  out.push(`Run ${runId}, ${new Date().toISOString()}. Machine: ${machineLine(machine)}, at end ${loadAtEnd.join(' / ')}.`, '');
  out.push(
    `Settings: batching ${settings.batchMaxMessages} msgs / ${settings.batchMaxBytes} B / ${settings.batchDelayMs} ms, ` +
      `max pending ${settings.maxPending}, no compression, ${settings.subscriptionType} subscription from Earliest, ` +
      `receiver queue ${settings.receiverQueueSize}, acks grouped 100 ms, Strobe run ${settings.strobeRuntime}. Median of ${rounds} rounds (verified runs only).`,
    '',
  );
  out.push(
    markdownTable(
      [
        'size',
        'phase',
        'N',
        'Strobe msg/s',
        'Java msg/s',
        'Strobe ÷ Java',
        'Strobe MB/s',
        'Java MB/s',
        'broker-timed ÷',
        'CPU µs/msg S / J',
        'CPU/msg S ÷ J',
        'cores busy S / J',
        'peak RSS MiB S / J',
        'other load S / J',
        'verified S / J',
      ],
      rows.map((r) => [
        `${r.size} B`,
        r.mode,
        fmt(r.messages),
        fmt(r.strobe.rate),
        fmt(r.java.rate),
        `${fmt(r.ratio, 2)}×`,
        fmt(r.strobe.mbPerSecond, 1),
        fmt(r.java.mbPerSecond, 1),
        `${fmt(r.brokerTimedRatio, 2)}×`,
        `${fmt(r.strobe.cpuMicrosPerMessage, 1)} / ${fmt(r.java.cpuMicrosPerMessage, 1)}`,
        `${fmt(r.cpuPerMessageRatio, 2)}×`,
        `${fmt(r.strobe.coresBusy, 2)} / ${fmt(r.java.coresBusy, 2)}`,
        `${fmt(r.strobe.peakRssMiB)} / ${fmt(r.java.peakRssMiB)}`,
        `${fmt(r.strobe.otherCoresBusy, 2)} / ${fmt(r.java.otherCoresBusy, 2)}`,
        `${r.strobe.verifiedRuns}/${r.strobe.runs} / ${r.java.verifiedRuns}/${r.java.runs}`,
      ]),
      2,
    ),
    '',
  );
  out.push(
    'msg/s: client-timed (produce: first send → N-th receipt; consume: subscribed → N-th message received and acked). ' +
      'broker-timed: the same N counted on the broker’s msgInCounter / subscription msgOutCounter, polled every 50 ms. ' +
      'MB/s: payload bytes (10^6). CPU and peak RSS: whole client process from /proc, CPU over the client-timed window ' +
      '(CPU/msg below 1× means Strobe spends less CPU per message). other load: cores kept busy during the window by ' +
      'processes other than this client and the broker; when it is high the rates measure contention more than the clients.',
    '',
  );
  out.push('## Runs', '');
  out.push(
    markdownTable(
      ['client', 'phase', 'size', 'round', 'window ms', 'msg/s', 'broker msg/s', 'CPU s', 'broker CPU s', 'other cores', 'RSS MiB', 'check'],
      results.map((r) => [
        r.contender,
        r.mode,
        String(r.size),
        String(r.round),
        fmt(r.clientWindowMs),
        fmt(r.clientRate),
        fmt(r.brokerRate),
        fmt(r.cpuSecondsInWindow, 2),
        fmt(r.brokerCpuSecondsInWindow, 2),
        fmt(r.otherCoresBusy, 2),
        fmt(r.peakRssMiB),
        [r.problems.length === 0 ? 'ok' : r.problems.join('; '), ...r.notes].join('; '),
      ]),
      [true, true, true, true, false, false, false, false, false, false, false, true],
    ),
    '',
  );
  for (const p of profiles) {
    out.push(`## Strobe CPU profile, ${p.mode} ${p.size} B (self time, measured window only)`, '');
    out.push(`${fmt(p.summary.totalMs)} ms sampled, ${fmt(p.summary.idleMs)} ms idle. Profile: ${p.file}`, '');
    out.push(markdownTable(['function (file:name:line)', 'self %', 'self ms'], p.summary.top.map((h) => [h.where, fmt(h.selfPercent, 1), fmt(h.selfMs)])), '');
  }
  return out.join('\n');
}

main().catch((err: unknown) => {
  log(`client-throughput: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
