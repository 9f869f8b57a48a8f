import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuAt, parseMachineBusySeconds, parseProcStatCpuSeconds, parseProcStatusMemory, readProcSample, type ProcSample } from '../../../../bench/lib/proc-sampler.js';

describe('parseProcStatCpuSeconds', () => {
  it('counts fields after the last parenthesis, so a command name with spaces and parens is safe', () => {
    // fields 3..13 are placeholders; utime (14) = 250 ticks, stime (15) = 50 ticks.
    const line = '4242 (my (odd) proc) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0 100 2000 300';
    assert.equal(parseProcStatCpuSeconds(line, 100), 3);
    assert.equal(parseProcStatCpuSeconds(line, 1000), 0.3);
  });

  it('rejects text that is not a stat line', () => {
    assert.throws(() => parseProcStatCpuSeconds('no parens here', 100), RangeError);
    assert.throws(() => parseProcStatCpuSeconds('1 (x) S 1 2', 100), RangeError);
  });
});

describe('parseProcStatusMemory', () => {
  it('reads VmRSS and VmHWM in kB as bytes', () => {
    const status = 'Name:\tnode\nVmPeak:\t  999 kB\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\nThreads:\t7\n';
    assert.deepEqual(parseProcStatusMemory(status), { rssBytes: 1024 * 1024, peakRssBytes: 2048 * 1024 });
  });
});

describe('readProcSample', () => {
  it('agrees with what this process says about its own CPU and memory', () => {
    const end = Date.now() + 60;
    let spin = 0;
    while (Date.now() < end) spin++;
    assert.ok(spin > 0);
    const before = process.cpuUsage();
    const s = readProcSample(process.pid);
    const after = process.cpuUsage();
    assert.ok(s);
    const lo = (before.user + before.system) / 1e6;
    const hi = (after.user + after.system) / 1e6;
    // /proc counts in clock ticks (10 ms), so allow one tick either side per field.
    assert.ok(s.cpuSeconds >= lo - 0.021 && s.cpuSeconds <= hi + 0.021, `${s.cpuSeconds} not within [${lo}, ${hi}]`);
    const rss = process.memoryUsage.rss();
    assert.ok(Math.abs(s.rssBytes - rss) < rss * 0.2, `rss ${s.rssBytes} vs ${rss}`);
    assert.ok(s.peakRssBytes >= s.rssBytes);
  });

  it('answers undefined for a process that does not exist', () => {
    assert.equal(readProcSample(2 ** 30), undefined);
  });
});

describe('cpuAt', () => {
  const samples: ProcSample[] = [
    { atMs: 1000, cpuSeconds: 1, rssBytes: 0, peakRssBytes: 0 },
    { atMs: 2000, cpuSeconds: 3, rssBytes: 0, peakRssBytes: 0 },
    { atMs: 3000, cpuSeconds: 3.5, rssBytes: 0, peakRssBytes: 0 },
  ];

  it('interpolates between the samples around an instant', () => {
    assert.equal(cpuAt(samples, 1500), 2);
    assert.equal(cpuAt(samples, 2500), 3.25);
    assert.equal(cpuAt(samples, 2000), 3);
  });

  it('clamps outside the sampled period and is 0 without samples', () => {
    assert.equal(cpuAt(samples, 0), 1);
    assert.equal(cpuAt(samples, 9000), 3.5);
    assert.equal(cpuAt([], 1500), 0);
  });
});

describe('parseMachineBusySeconds', () => {
  it('adds user, nice, system, irq, softirq and steal, leaving idle and iowait out', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    const stat = 'cpu  100 10 50 9000 40 5 3 2 0 0\ncpu0 50 5 25 4500 20 3 2 1 0 0\nintr 1 2 3\n';
    assert.equal(parseMachineBusySeconds(stat, 100), (100 + 10 + 50 + 5 + 3 + 2) / 100);
  });

  it('rejects text without the aggregate line', () => {
    assert.throws(() => parseMachineBusySeconds('cpu0 1 2 3\n', 100), RangeError);
  });
});
