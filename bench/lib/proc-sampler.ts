import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One reading of a process from /proc: cumulative CPU (user + system) and resident memory. */
export interface ProcSample {
  /** Epoch ms when read. */
  readonly atMs: number;
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  /** Kernel's high-water mark of RSS (VmHWM) so far. */
  readonly peakRssBytes: number;
}

let clockTicks: number | undefined;

/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat (100 on nearly every Linux). */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number.parseInt(r.stdout ?? '', 10);
    clockTicks = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return clockTicks;
}

/**
 * CPU seconds (utime + stime) from the text of /proc/<pid>/stat. The command name (field 2) may hold
 * spaces and parentheses, so fields are counted from the last ')'.
 */
export function parseProcStatCpuSeconds(stat: string, ticksPerSecond: number): number {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new RangeError('not a /proc/<pid>/stat line');
  // After ')' come field 3 (state) onwards; utime and stime are fields 14 and 15.
  const rest = stat.slice(close + 2).trim().split(/\s+/);
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new RangeError('no utime/stime in /proc/<pid>/stat');
  return (utime + stime) / ticksPerSecond;
}

/** VmRSS and VmHWM (bytes) from the text of /proc/<pid>/status. */
export function parseProcStatusMemory(status: string): { rssBytes: number; peakRssBytes: number } {
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return m?.[1] ? Number(m[1]) * 1024 : 0;
  };
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

/**
 * Busy CPU seconds of the whole machine (all cores) from the text of /proc/stat: user, nice, system, irq,
 * softirq and steal; idle and iowait are not busy.
 */
export function parseMachineBusySeconds(stat: string, ticksPerSecond: number): number {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new RangeError('no aggregate cpu line in /proc/stat');
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const at = (i: number): number => f[i] ?? 0;
  return (at(0) + at(1) + at(2) + at(5) + at(6) + at(7)) / ticksPerSecond;
}

/** Machine-wide busy CPU as a sample (memory fields 0): what every process together used. */
export function readMachineSample(): ProcSample | undefined {
  try {
    return { atMs: Date.now(), cpuSeconds: parseMachineBusySeconds(readFileSync('/proc/stat', 'utf8'), clockTicksPerSecond()), rssBytes: 0, peakRssBytes: 0 };
  } catch {
    return undefined;
  }
}

/** Reads one sample of `pid`, or undefined if the process is gone. */
export function readProcSample(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { atMs: Date.now(), cpuSeconds: parseProcStatCpuSeconds(stat, clockTicksPerSecond()), ...parseProcStatusMemory(status) };
  } catch {
    return undefined;
  }
}

/**
 * Samples a process (or the whole machine) from /proc every `intervalMs` until stopped or the process is gone, so Java and Node
 * clients are measured the same way (whole process: JIT, GC and I/O threads included).
 */
export class ProcSampler {
  /** A pid, or 'machine' for the busy CPU of all processes together. */
  readonly target: number | 'machine';
  private readonly samples: ProcSample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(target: number | 'machine', intervalMs = 50) {
    this.target = target;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Takes a sample now (also call it right before the process is expected to exit). */
  sample(): void {
    const s = this.target === 'machine' ? readMachineSample() : readProcSample(this.target);
    if (s) this.samples.push(s);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get all(): readonly ProcSample[] {
    return this.samples;
  }

  /** Highest VmHWM seen (bytes); 0 without samples. */
  get peakRssBytes(): number {
    return this.samples.reduce((m, s) => Math.max(m, s.peakRssBytes), 0);
  }

  /** CPU seconds of the whole run as last seen (the final few ms before exit may be missed). */
  get totalCpuSeconds(): number {
    return this.samples[this.samples.length - 1]?.cpuSeconds ?? 0;
  }

  /** CPU seconds spent between two epoch-ms instants, interpolated between samples. */
  cpuSecondsBetween(startMs: number, endMs: number): number {
    return cpuAt(this.samples, endMs) - cpuAt(this.samples, startMs);
  }
}

/** Cumulative CPU at `atMs`, linearly interpolated between the samples around it (clamped at the ends). */
export function cpuAt(samples: readonly ProcSample[], atMs: number): number {
  const first = samples[0];
  if (!first) return 0;
  if (atMs <= first.atMs) return first.cpuSeconds;
  for (let i = 1; i < samples.length; i++) {
    const b = samples[i] as ProcSample;
    if (b.atMs < atMs) continue;
    const a = samples[i - 1] as ProcSample;
    const span = b.atMs - a.atMs;
    return span <= 0 ? b.cpuSeconds : a.cpuSeconds + ((b.cpuSeconds - a.cpuSeconds) * (atMs - a.atMs)) / span;
  }
  return (samples[samples.length - 1] as ProcSample).cpuSeconds;
}
