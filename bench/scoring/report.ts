// The scoring benchmark's markdown report, its goals and ratios, and its SVG chart.
import { machineLine, type MachineInfo } from '../lib/machine-info.js';
import { fmt, markdownTable } from '../lib/markdown-table.js';
import { ratio } from '../lib/summary-stats.js';
import { barChartSvg, type BarPanel } from '../lib/svg-bar-chart.js';
import type { ContenderName } from './contenders.js';
import type { DrainFigures, LatencyStats, Parity } from './figures.js';
import type { ProfileBreakdown } from './profile-breakdown.js';
import type { StrobeStages } from './scoring-context.js';

export interface LatencyResult {
  readonly contender: ContenderName;
  readonly loadPercent: number;
  readonly offeredRate: number;
  readonly events: number;
  /** Rate the paced producer achieved, its largest lag behind schedule and its cores busy (the load generator). */
  readonly achievedRate: number | undefined;
  readonly producerMaxLagMs: number | undefined;
  readonly producerCores: number | undefined;
  readonly stats: LatencyStats | undefined;
  readonly meanBatchSize: number;
  readonly meanBatchFill: number;
  readonly strobeStages: StrobeStages | undefined;
  readonly cpuSecondsPer1k: number;
  readonly otherCoresBusy: number;
  /** Why the run was not made (e.g. the rate is above what the contender drains at most). */
  readonly skipped: string | undefined;
  readonly problems: readonly string[];
}

export interface Goal {
  readonly what: string;
  readonly value: number;
  readonly goal: string;
  readonly met: boolean | undefined;
}

export interface ReportInput {
  readonly runId: string;
  readonly at: Date;
  readonly machine: MachineInfo;
  readonly loadAtEnd: readonly number[];
  readonly settings: Readonly<Record<string, unknown>> & { readonly events: number; readonly keys: number; readonly maxWaitMs: number };
  readonly drain: readonly DrainFigures[];
  readonly latency: readonly LatencyResult[];
  readonly parity: readonly Parity[];
  readonly goals: readonly Goal[];
  readonly profile: ProfileBreakdown | undefined;
  readonly chartFile: string | undefined;
}

const LABEL: Readonly<Record<ContenderName, string>> = {
  strobe: 'Strobe',
  'strobe-batch1': 'Strobe, maxBatchSize 1',
  python: 'Python classic loop',
  java: 'Java ceiling (no scoring)',
};

export function contenderLabel(c: ContenderName): string {
  return LABEL[c];
}

/** The goals of issue 7 and the ratios behind them. */
export function goals(drain: readonly DrainFigures[], latency: readonly LatencyResult[], maxWaitMs: number): Goal[] {
  const rate = (c: ContenderName): number => {
    const d = drain.find((x) => x.contender === c);
    return d && d.problems.length === 0 ? d.drainRate : Number.NaN;
  };
  const out: Goal[] = [];
  const add = (what: string, value: number, goal: string, met: (v: number) => boolean): void => {
    out.push({ what, value, goal, met: Number.isFinite(value) ? met(value) : undefined });
  };
  add('Strobe ÷ Python classic loop, drain rate', ratio(rate('strobe'), rate('python')), '≥ 3×', (v) => v >= 3);
  add('Strobe ÷ Java ceiling, drain rate', ratio(rate('strobe'), rate('java')), '≥ 0.8×', (v) => v >= 0.8);
  add('Strobe ÷ Strobe maxBatchSize 1, drain rate', ratio(rate('strobe'), rate('strobe-batch1')), '(what batching buys)', () => true);
  const cpu = (c: ContenderName): number => drain.find((x) => x.contender === c)?.cpuSecondsPer1k ?? Number.NaN;
  add('Python ÷ Strobe, CPU per event', ratio(cpu('python'), cpu('strobe')), '(> 1: Strobe cheaper)', () => true);
  const half = latency.find((l) => l.contender === 'strobe' && l.loadPercent === 50);
  add('Strobe p99 end-to-end at 50% load (ms)', half?.stats?.p99 ?? Number.NaN, `≤ maxWaitMs + 10 = ${maxWaitMs + 10} ms`, (v) => v <= maxWaitMs + 10);
  return out;
}

function check(problems: readonly string[]): string {
  return problems.length === 0 ? 'ok' : `FAILED: ${problems.join('; ')}`;
}

export function renderMarkdown(r: ReportInput): string {
  const s = r.settings;
  const out: string[] = [];
  out.push('# Scoring benchmark: Strobe vs the classic Python loop vs the broker’s ceiling', '');
  out.push(`Run ${r.runId}, ${r.at.toISOString()}. Machine: ${machineLine(r.machine)}, at end ${r.loadAtEnd.join(' / ')}.`, '');
  out.push(
    `Same backlog for every contender: ${fmt(s.events)} generated card transactions over ${fmt(s.keys)} keys (Avro), produced once; ` +
      `each contender drains it with its own subscription from Earliest (${String(s.subscriptionType)}, receiver queue ${String(s.receiverQueueSize)}). ` +
      `Same model (functions/fraud-scorer/model.onnx, ONNX Runtime CPU) and feature mapping (features.yaml). Strobe run ${String(s.strobeRuntime)}.`,
    '',
  );
  if (r.chartFile) out.push(`![drain rate and p99 latency](${r.chartFile})`, '');
  out.push('## Drain rate', '');
  out.push(
    markdownTable(
      ['contender', 'events/s', 'window s', 'CPU s / 1k events', 'cores busy', 'peak RSS MiB', 'mean batch', 'batch fill', 'output entries', 'broker CPU s / 1k', 'other load (cores)', 'outputs', 'check'],
      r.drain.map((d) => [
        contenderLabel(d.contender),
        fmt(d.drainRate),
        fmt(d.windowMs / 1000, 2),
        fmt(d.cpuSecondsPer1k, 3),
        fmt(d.coresBusy, 2),
        fmt(d.peakRssMiB),
        fmt(d.meanBatchSize, 1),
        fmt(d.meanBatchFill, 2),
        fmt(d.outputEntries),
        fmt(d.brokerCpuSecondsPer1k, 3),
        fmt(d.otherCoresBusy, 2),
        d.contender === 'java' ? `${fmt(d.outputs)} received` : fmt(d.outputs),
        check(d.problems),
      ]),
    ),
    '',
  );
  for (const d of r.drain) if (d.notes.length > 0) out.push(`- ${contenderLabel(d.contender)}: ${d.notes.join('; ')}.`);
  if (r.drain.some((d) => d.notes.length > 0)) out.push('');
  out.push(
    'events/s: N ÷ (broker’s first dispatch of the backlog to the contender’s subscription → the last output stored by the broker, ' +
      'from its entry timestamp); for the Java ceiling, which writes no output, → its N-th receive (pulsar-perf’s DONE line). ' +
      'CPU and peak RSS: the contender’s process only (/proc, all threads: ONNX Runtime’s and the Pulsar client’s included), CPU over that window. ' +
      'batch fill: mean batch size ÷ the batch limit (Strobe: maxBatchSize from its /metrics; Python: 100). ' +
      'output entries: what the broker stored for the outputs (a producer batch is one entry; Strobe batches outputs by key, so Key_Shared readers of the output keep key order, the Python loop batches them all together). ' +
      'other load: cores busy with anything but the contender and the broker during the window (the machine is shared).',
    '',
  );
  out.push('## End-to-end latency at fixed input rates', '');
  out.push(
    markdownTable(
      ['contender', 'load', 'input events/s', 'events', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'mean batch', 'batch fill', 'CPU s / 1k', 'generator cores / lag ms', 'other load', 'check'],
      r.latency.map((l) => [
        contenderLabel(l.contender),
        `${l.loadPercent}%`,
        fmt(l.offeredRate),
        fmt(l.events),
        fmt(l.stats?.p50, 1),
        fmt(l.stats?.p99, 1),
        fmt(l.stats?.p999, 1),
        fmt(l.stats?.max, 1),
        fmt(l.meanBatchSize, 1),
        fmt(l.meanBatchFill, 2),
        fmt(l.cpuSecondsPer1k, 3),
        l.producerCores === undefined ? '—' : `${fmt(l.producerCores, 2)} / ${fmt(l.producerMaxLagMs)}`,
        fmt(l.otherCoresBusy, 2),
        l.skipped ?? check(l.problems),
      ]),
    ),
    '',
  );
  out.push(
    `Load: a share of Strobe’s drain rate above, offered by a paced producer (released every millisecond, key-based batching) to a fresh topic while the contender runs. ` +
      `Latency per event: the output’s broker entry timestamp minus the input’s producer publish time, joined on transaction_id; ` +
      `the first ${String(s.warmupSeconds)} s of input (warm-up) and the last ${String(s.cooldownSeconds)} s (a finite run’s last partial batch waits for a timer that a steady stream would not) are left out. ` +
      'A contender is not run at a rate above its own drain rate (it could not keep up). ' +
      'generator: the harness process writing the input (cores busy, its largest lag behind schedule); other load (the generator included): cores busy with anything but the contender and the broker.',
    '',
  );
  const staged = r.latency.filter((l) => l.strobeStages !== undefined);
  if (staged.length > 0) {
    out.push('Inside the Strobe worker (its own /metrics over each latency run):', '');
    out.push(
      markdownTable(
        ['contender', 'load', 'mean queue wait ms', 'mean model call ms', 'batches flushed full / on time'],
        staged.map((l) => [contenderLabel(l.contender), `${l.loadPercent}%`, fmt(l.strobeStages?.queueWaitMs, 1), fmt(l.strobeStages?.inferenceMs, 2), `${fmt(l.strobeStages?.flushedFull)} / ${fmt(l.strobeStages?.flushedOnTime)}`]),
      ),
      '',
    );
  }
  out.push('## Ratios and goals', '');
  out.push(markdownTable(['ratio', 'value', 'goal', 'met'], r.goals.map((g) => [g.what, fmt(g.value, 2), g.goal, g.met === undefined ? '—' : g.met ? 'yes' : 'no'])), '');
  if (r.parity.length > 0) {
    out.push('## Same scores', '');
    out.push(
      markdownTable(
        ['contenders', 'transactions compared', 'max |score difference|', 'label disagreements', 'scored by one side only'],
        r.parity.map((p) => [`${contenderLabel(p.a)} vs ${contenderLabel(p.b)}`, fmt(p.compared), p.maxAbsDiff.toExponential(2), fmt(p.labelDisagreements), fmt(p.missing)]),
      ),
      '',
    );
  }
  if (r.profile) {
    out.push('## Where Strobe’s time goes (CPU profile of the worker, JavaScript thread)', '');
    out.push(
      `${fmt(r.profile.busyMs)} ms busy on the main thread over a profiled drain of the same backlog (start-up included). ` +
        'A sample counts for the stage of its nearest caller that belongs to one (a socket write issued by the producer is producer time; ' +
        'frame decoding under a socket read is the consumer’s protocol work). ONNX Runtime’s own threads do not appear in a V8 profile; their cost is in the process CPU above.',
      '',
    );
    out.push(markdownTable(['stage', 'ms', 'share'], r.profile.stages.map((st) => [st.stage, fmt(st.ms), `${fmt(st.percent, 1)}%`])), '');
    out.push(markdownTable(['function (file:name:line)', 'self %', 'self ms'], r.profile.top.map((h) => [h.where, fmt(h.selfPercent, 1), fmt(h.selfMs)])), '');
  }
  return out.join('\n');
}

export function renderChart(r: ReportInput): string {
  const drainPanel: BarPanel = {
    title: `Drain rate of a ${fmt(r.settings.events)}-transaction backlog (events/s, higher is better)`,
    groups: r.drain.map((d) => ({
      label: contenderLabel(d.contender),
      bars: [{ series: 'drain rate', value: d.problems.length === 0 ? d.drainRate : Number.NaN, note: d.problems.length === 0 ? fmt(d.drainRate) : 'failed its checks' }],
    })),
    format: (v) => fmt(v),
  };
  const scorers = [...new Set(r.latency.map((l) => l.contender))];
  const latencyPanel: BarPanel = {
    title: 'p99 end-to-end latency at fixed input rates (ms, lower is better)',
    scale: 'log',
    groups: scorers.map((c) => ({
      label: contenderLabel(c),
      bars: r.latency
        .filter((l) => l.contender === c)
        .map((l) => ({
          series: `${l.loadPercent}% of Strobe’s drain rate`,
          value: l.stats?.p99,
          note: l.skipped !== undefined ? 'not run: above its drain rate' : l.stats ? `${fmt(l.stats.p99, 1)} ms` : 'failed',
        })),
    })),
  };
  const m = r.machine;
  const subtitle = `${r.at.toISOString().slice(0, 10)} · ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, broker on the same machine · Node ${m.node} · ${fmt(r.settings.events)} transactions, ${fmt(r.settings.keys)} keys`;
  return barChartSvg('Strobe scoring benchmark', latencyPanel.groups.length > 0 ? [drainPanel, latencyPanel] : [drainPanel], subtitle);
}
