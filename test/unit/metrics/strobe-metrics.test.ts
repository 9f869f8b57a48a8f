import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StrobeMetrics } from '../../../src/metrics/strobe-metrics.js';

async function value(m: StrobeMetrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  // Histogram series (name_sum, name_count) are values of the histogram metric itself.
  const base = name.replace(/_(sum|count)$/, '');
  const metric = m.registry.getSingleMetric(m.registry.getSingleMetric(name) === undefined ? base : name);
  assert.ok(metric, `${name} is registered`);
  const data = await metric.get();
  const found = data.values.find(
    (v) => ((v as { metricName?: string }).metricName ?? data.name) === name && Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return found?.value;
}

describe('StrobeMetrics', () => {
  it('registers every metric with the strobe_ prefix on its own registry', async () => {
    const a = new StrobeMetrics();
    const b = new StrobeMetrics(); // a second instance must not collide
    const names = (await a.registry.getMetricsAsJSON()).map((m) => m.name);
    assert.ok(names.every((n) => n.startsWith('strobe_')));
    for (const n of [
      'strobe_events_received_total',
      'strobe_events_scored_total',
      'strobe_batch_size_events',
      'strobe_batch_fill_ratio',
      'strobe_batch_flushes_total',
      'strobe_queue_wait_seconds',
      'strobe_inference_duration_seconds',
      'strobe_end_to_end_latency_seconds',
      'strobe_nacks_total',
      'strobe_dead_letters_total',
      'strobe_inflight_batches',
      'strobe_subscription_backlog',
      'strobe_model_info',
      'strobe_decode_errors_total',
      'strobe_duplicates_total',
    ]) {
      assert.ok(names.includes(n), `${n} missing`);
    }
    assert.notEqual(a.registry, b.registry);
  });

  it('records a function\'s events with the function label, converting ms to seconds', async () => {
    const m = new StrobeMetrics();
    const f = m.forFunction('fraud-scorer');
    const g = m.forFunction('other');
    f.eventsReceived(5);
    f.eventsReceived(2);
    g.eventsReceived(1);
    f.eventsScored(6);
    f.batchFlushed(64, 0.25, 'time', 30);
    f.batchFlushed(256, 1, 'size', 5);
    f.inference(12, 256);
    f.endToEnd(1500);
    f.negativeAck('InferenceError');
    f.deadLettered('DecodeError');
    f.deadLettered('DecodeError');
    f.inflightBatches(2);
    f.decodeError();
    f.duplicates(3);
    f.backlog('persistent://public/default/transactions', 'fraud-scorer', 42);
    assert.equal(await value(m, 'strobe_events_received_total', { function: 'fraud-scorer' }), 7);
    assert.equal(await value(m, 'strobe_events_received_total', { function: 'other' }), 1);
    assert.equal(await value(m, 'strobe_events_scored_total', { function: 'fraud-scorer' }), 6);
    assert.equal(await value(m, 'strobe_batch_flushes_total', { function: 'fraud-scorer', reason: 'time' }), 1);
    assert.equal(await value(m, 'strobe_batch_flushes_total', { function: 'fraud-scorer', reason: 'bytes' }), 0);
    assert.equal(await value(m, 'strobe_dead_letters_total', { function: 'fraud-scorer', reason: 'DecodeError' }), 2);
    assert.equal(await value(m, 'strobe_nacks_total', { function: 'fraud-scorer', reason: 'InferenceError' }), 1);
    assert.equal(await value(m, 'strobe_inflight_batches', { function: 'fraud-scorer' }), 2);
    assert.equal(await value(m, 'strobe_duplicates_total', { function: 'fraud-scorer' }), 3);
    assert.equal(await value(m, 'strobe_duplicates_total', { function: 'other' }), 0, 'exported as zero from the start');
    assert.equal(await value(m, 'strobe_subscription_backlog', { subscription: 'fraud-scorer' }), 42);
    assert.equal(await value(m, 'strobe_batch_size_events_sum', { function: 'fraud-scorer' }), 64 + 256);
    assert.equal(await value(m, 'strobe_queue_wait_seconds_sum', { function: 'fraud-scorer' }), 30 / 1000 + 5 / 1000);
    assert.equal(await value(m, 'strobe_inference_duration_seconds_sum', { function: 'fraud-scorer' }), 0.012);
    assert.equal(await value(m, 'strobe_end_to_end_latency_seconds_sum', { function: 'fraud-scorer' }), 1.5);
    assert.equal(await value(m, 'strobe_inference_rows_total', { function: 'fraud-scorer' }), 256);
    const text = await m.render();
    assert.match(text, /^strobe_events_received_total\{function="fraud-scorer"\} 7$/m);
    assert.match(text, /^strobe_batch_fill_ratio_bucket\{le="0.3",function="fraud-scorer"\} 1$/m);
  });

  it('keeps one model info series and one current state per function', async () => {
    const m = new StrobeMetrics();
    const f = m.forFunction('f');
    f.modelDevice('onnx', 'cuda', false);
    f.modelDevice('onnx', 'cpu', true);
    const info = await m.registry.getSingleMetric('strobe_model_info')!.get();
    assert.deepEqual(info.values.map((v) => [v.labels.device, v.labels.fallback, v.value]), [['cpu', 'true', 1]]);
    f.state('STARTING');
    f.state('RUNNING');
    assert.equal(await value(m, 'strobe_function_state', { state: 'RUNNING' }), 1);
    assert.equal(await value(m, 'strobe_function_state', { state: 'STARTING' }), 0);
  });

  it('can add Node process metrics under the same prefix', async () => {
    const m = new StrobeMetrics({ processMetrics: true });
    const names = (await m.registry.getMetricsAsJSON()).map((x) => x.name);
    assert.ok(names.includes('strobe_process_cpu_user_seconds_total'));
  });
});
