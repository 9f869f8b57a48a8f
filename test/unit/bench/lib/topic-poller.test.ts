import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brokerWindow, crossingTimeMs, type TopicCounterSample } from '../../../../bench/lib/topic-poller.js';

const s = (atMs: number, msgIn: number): TopicCounterSample => ({ atMs, msgIn, msgOut: 0, backlog: -1 });

describe('crossingTimeMs', () => {
  const samples = [s(0, 0), s(100, 0), s(200, 400), s(300, 1000), s(400, 1000)];

  it('interpolates linearly between the samples that bracket the threshold', () => {
    // 0 → 400 between 100 and 200 ms: 100 is reached a quarter of the way.
    assert.equal(crossingTimeMs(samples, (x) => x.msgIn, 100), 125);
    // 400 → 1000 between 200 and 300 ms: 700 is half way.
    assert.equal(crossingTimeMs(samples, (x) => x.msgIn, 700), 250);
    assert.equal(crossingTimeMs(samples, (x) => x.msgIn, 1000), 300);
  });

  it('is undefined when the threshold is never reached, and the first sample time when already reached', () => {
    assert.equal(crossingTimeMs(samples, (x) => x.msgIn, 1001), undefined);
    assert.equal(crossingTimeMs([s(50, 10)], (x) => x.msgIn, 5), 50);
  });
});

describe('brokerWindow', () => {
  it('counts from the counter value at the first sample (counters of a reused topic do not start at 0)', () => {
    const samples = [s(0, 500), s(100, 500), s(200, 1500), s(300, 2500)];
    // base 500: first new message crosses 501 at 100.1 ms; the 2000th new one (2500) at 300 ms.
    const w = brokerWindow(samples, (x) => x.msgIn, 2000);
    assert.ok(w);
    assert.equal(w.endMs, 300);
    assert.ok(Math.abs(w.startMs - 100.1) < 1e-9);
  });

  it('is undefined for an incomplete run', () => {
    assert.equal(brokerWindow([s(0, 0), s(100, 10)], (x) => x.msgIn, 20), undefined);
  });
});
