import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startBacklogPoller, type BacklogSample } from '../../../src/metrics/backlog-poller.js';
import { StrobeMetrics } from '../../../src/metrics/strobe-metrics.js';
import { ManualScheduler } from '../../../src/pipeline/scheduler.js';

async function backlog(m: StrobeMetrics): Promise<number | undefined> {
  return (await m.registry.getSingleMetric('strobe_subscription_backlog')!.get()).values[0]?.value;
}

/** Waits (without sleeping) until `cond` holds, failing after a deadline. */
async function until(cond: () => boolean | Promise<boolean>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    assert.ok(Date.now() < deadline, 'condition not reached before the deadline');
    await new Promise<void>((r) => setImmediate(r));
  }
}

describe('backlog poller', () => {
  it('polls at once and then every interval, keeping the last value when a poll fails', async () => {
    const metrics = new StrobeMetrics();
    const scheduler = new ManualScheduler();
    const answers: (number | Error)[] = [10, new Error('admin API down'), 30];
    const errors: unknown[] = [];
    let calls = 0;
    const poller = startBacklogPoller({
      metrics,
      scheduler,
      intervalMs: 1000,
      onError: (e) => errors.push(e),
      read: async (): Promise<BacklogSample[]> => {
        const a = answers[calls++];
        if (a instanceof Error) throw a;
        return [{ function: 'f', topic: 't', subscription: 's', backlog: a ?? -1 }];
      },
    });
    await until(async () => (await backlog(metrics)) === 10 && scheduler.pendingTimers === 1);
    scheduler.advance(1000);
    await until(() => errors.length === 1 && scheduler.pendingTimers === 1);
    assert.equal(await backlog(metrics), 10);
    scheduler.advance(1000);
    await until(async () => (await backlog(metrics)) === 30);
    await poller.stop();
    assert.equal(scheduler.pendingTimers, 0);
    assert.equal(calls, 3);
  });
});
