import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrobeMetrics } from '../../../src/metrics/strobe-metrics.js';

// The dashboard's PromQL checked against the metrics the worker really exports: every metric name
// exists in StrobeMetrics' registry (histograms as _bucket/_sum/_count), rate() only over counters and
// histogram parts, quantiles over _bucket by le, grouping labels that the series carry, and every
// selector filtered by the $function variable.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
interface Target { expr: string; legendFormat?: string }
interface Panel { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: Target[]; datasource?: { uid: string } }
const dashboard = JSON.parse(readFileSync(join(ROOT, 'docker/grafana/dashboards/strobe.json'), 'utf8')) as {
  uid: string; title: string; panels: Panel[]; templating: { list: { name: string; definition: string }[] };
};

// PromQL functions, aggregations and keywords the dashboard may use; any other identifier is a metric name.
const PROMQL = new Set([
  'sum', 'avg', 'max', 'min', 'count', 'topk', 'bottomk', 'quantile', 'stddev', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right',
  'and', 'or', 'unless', 'bool', 'offset', 'rate', 'irate', 'increase', 'delta', 'deriv', 'histogram_quantile', 'clamp_min', 'clamp_max',
  'abs', 'vector', 'time', 'label_values', 'absent', 'avg_over_time', 'max_over_time', 'min_over_time', 'sum_over_time', 'changes', 'resets',
]);

type Series = Map<string, { type: string; labels: Set<string> }>;

/** Series name → metric type and label names, from a registry whose every metric has been observed once. */
async function series(): Promise<Series> {
  const metrics = new StrobeMetrics();
  const f = metrics.forFunction('f');
  f.eventsReceived(1);
  f.eventsScored(1);
  f.batchFlushed(4, 0.5, 'time', 3);
  f.inference(2, 4);
  f.endToEnd(10);
  f.featureAge(1000);
  f.negativeAck('InferenceError');
  f.deadLettered('DecodeError');
  f.inflightBatches(1);
  f.queuedEvents(3);
  f.flowPaused(false);
  f.redelivered(1);
  f.decodeError();
  f.duplicates(1);
  f.backlog('persistent://public/default/t', 's', 5);
  f.modelDevice('onnx', 'cpu', false);
  f.state('RUNNING');
  const out: Series = new Map();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    for (const v of m.values) {
      // Histogram values name their series (_bucket, _sum, _count); the others are the metric itself.
      const name = (v as { metricName?: string }).metricName ?? m.name;
      const entry = out.get(name) ?? { type: String(m.type), labels: new Set<string>() };
      for (const k of Object.keys(v.labels)) entry.labels.add(k);
      out.set(name, entry);
    }
  }
  return out;
}

const stripStrings = (e: string): string => e.replace(/"(?:[^"\\]|\\.)*"/g, '""');

/** Metric names in an expression: identifiers outside label matchers, ranges and grouping clauses that are not PromQL words. */
function metricNames(expr: string): string[] {
  const bare = stripStrings(expr)
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((w) => !PROMQL.has(w));
}

const targets = (): { panel: Panel; target: Target }[] => dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));

describe('docker/grafana/dashboards/strobe.json', () => {
  it('reads metric names out of PromQL (parser check)', () => {
    assert.deepEqual(metricNames('sum by (reason) (rate(strobe_nacks_total{function=~"$function", x="sum"}[5m])) / on (le) foo_bar'), ['strobe_nacks_total', 'foo_bar']);
  });

  it('uses only metric names the worker exports (histograms as _bucket/_sum/_count)', async () => {
    const known = await series();
    assert.ok(known.has('strobe_batch_size_events_bucket') && known.has('strobe_batch_size_events_sum'), 'histogram parts are listed');
    const all = targets();
    assert.ok(all.length >= 20);
    for (const { panel, target } of all) {
      const names = metricNames(target.expr);
      assert.ok(names.length > 0, `${panel.title}: ${target.expr} names a metric`);
      for (const n of names) assert.ok(known.has(n), `${panel.title}: ${n} is not exported by StrobeMetrics`);
    }
    for (const v of dashboard.templating.list) {
      const m = /^label_values\((\w+),\s*(\w+)\)$/.exec(v.definition);
      assert.ok(m, v.definition);
      assert.ok(known.get(m[1] ?? '')?.labels.has(m[2] ?? ''), `${v.definition}: the metric carries the label`);
    }
  });

  it('applies rate/increase to counters and histogram parts only, and quantiles to _bucket by le', async () => {
    const known = await series();
    for (const { panel, target } of targets()) {
      for (const m of target.expr.matchAll(/\b(rate|irate|increase)\(\s*([a-zA-Z_:][\w:]*)/g)) {
        const s = known.get(m[2] ?? '');
        assert.ok(s !== undefined && (s.type === 'counter' || s.type === 'histogram'), `${panel.title}: ${m[1] ?? ''}(${m[2] ?? ''}) needs a counter`);
      }
      for (const m of known.entries()) if (m[1].type === 'gauge') assert.doesNotMatch(target.expr, new RegExp(`(rate|increase)\\(\\s*${m[0]}\\b`), `${panel.title}: rate over gauge ${m[0]}`);
      if (target.expr.includes('histogram_quantile')) {
        assert.match(target.expr, /histogram_quantile\(0\.\d+, sum by \(le\) \(rate\(strobe_\w+_bucket\{/, `${panel.title}: quantile over buckets by le`);
      }
    }
  });

  it('groups by labels the series carry, names legends after them, and filters every selector by $function', async () => {
    const known = await series();
    for (const { panel, target } of targets()) {
      const names = metricNames(target.expr);
      const labels = new Set(names.flatMap((n) => [...(known.get(n)?.labels ?? [])]));
      const by = [...target.expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => (m[1] ?? '').split(',').map((l) => l.trim()));
      for (const l of by) assert.ok(labels.has(l), `${panel.title}: by (${l}) is not a label of ${names.join(', ')}`);
      const legend = [...(target.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '');
      for (const l of legend) assert.ok(by.length > 0 ? by.includes(l) : labels.has(l), `${panel.title}: legend {{${l}}} is not kept by the query`);
      const selectors = [...target.expr.matchAll(/([a-zA-Z_:][\w:]*)\s*\{([^}]*)\}/g)];
      assert.equal(selectors.length, names.length, `${panel.title}: every metric has a selector`);
      for (const s of selectors) assert.match(s[2] ?? '', /\bfunction=~"\$function"/, `${panel.title}: ${s[1] ?? ''} filtered by $function`);
    }
  });

  it('shows what operators look at: throughput, batch fill and size, flush reasons, latency and inference p50/p99, backlog, dead letters, nacks, in-flight, model device', () => {
    const exprs = targets().map((t) => t.target.expr);
    const has = (re: RegExp): boolean => exprs.some((e) => re.test(e));
    const required: [string, RegExp][] = [
      ['events in', /rate\(strobe_events_received_total/],
      ['events scored', /rate\(strobe_events_scored_total/],
      ['batch fill', /strobe_batch_fill_ratio_(bucket|sum)/],
      ['batch size', /strobe_batch_size_events_(bucket|sum)/],
      ['flush reasons', /sum by \(reason\) \(rate\(strobe_batch_flushes_total/],
      ['inference p50', /histogram_quantile\(0\.5, .*strobe_inference_duration_seconds_bucket/],
      ['inference p99', /histogram_quantile\(0\.99, .*strobe_inference_duration_seconds_bucket/],
      ['end-to-end p50', /histogram_quantile\(0\.5, .*strobe_end_to_end_latency_seconds_bucket/],
      ['end-to-end p99', /histogram_quantile\(0\.99, .*strobe_end_to_end_latency_seconds_bucket/],
      ['backlog', /strobe_subscription_backlog/],
      ['dead letters by reason', /by \(reason\) \((rate|increase)\(strobe_dead_letters_total/],
      ['nacks', /strobe_nacks_total/],
      ['in-flight batches', /strobe_inflight_batches/],
      ['model device', /by \([^)]*device[^)]*\) \(strobe_model_info/],
    ];
    for (const [what, re] of required) assert.ok(has(re), `no panel shows ${what}`);
  });

  it('is a well-formed dashboard: unique panel ids, panels within the 24-column grid', () => {
    assert.equal(dashboard.uid, 'strobe');
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const p of dashboard.panels) assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, `${p.title} fits the grid`);
  });
});
