import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { StrobeError } from '../../src/errors.js';
import { ProcSampler } from './proc-sampler.js';

export interface SampledRunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Kill the process (SIGKILL) after this long. @default 600000 */
  readonly timeoutMs?: number;
  /** /proc sampling period. @default 50 */
  readonly sampleIntervalMs?: number;
  /** Called for every line of stdout and stderr, with the child's pid so a caller may signal it. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr', pid: number) => void;
  /** Other processes (e.g. the broker) to sample over the same period. */
  readonly alsoSample?: readonly (number | 'machine')[];
  /** Called once the child runs, with its pid and sampler (to signal it or read its CPU while it runs). */
  readonly onSpawn?: (pid: number, sampler: ProcSampler) => void;
}

export interface SampledRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly sampler: ProcSampler;
  readonly others: readonly ProcSampler[];
  readonly wallSeconds: number;
  readonly timedOut: boolean;
}

/**
 * Runs a command as a direct child (no shell, no npx wrapper, so the pid is the client process itself),
 * sampling its CPU and memory from /proc while it runs.
 */
export function runSampled(cmd: string, args: readonly string[], opts: SampledRunOptions = {}): Promise<SampledRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
    const pid = child.pid;
    if (pid === undefined) {
      reject(new StrobeError('BENCH_SPAWN_FAILED', `cannot start ${cmd}`));
      return;
    }
    const sampler = new ProcSampler(pid, opts.sampleIntervalMs ?? 50);
    const others = (opts.alsoSample ?? []).map((p) => new ProcSampler(p, opts.sampleIntervalMs ?? 50));
    opts.onSpawn?.(pid, sampler);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const lines = (stream: 'stdout' | 'stderr'): void => {
      const rl = createInterface({ input: child[stream] });
      rl.on('line', (line) => {
        if (stream === 'stdout') stdout += `${line}\n`;
        else stderr += `${line}\n`;
        opts.onLine?.(line, stream, pid);
      });
    };
    lines('stdout');
    lines('stderr');
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 600_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      sampler.stop();
      for (const o of others) o.stop();
      reject(new StrobeError('BENCH_SPAWN_FAILED', `cannot run ${cmd}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      sampler.stop();
      for (const o of others) o.stop();
      resolve({ code, signal, stdout, stderr, sampler, others, wallSeconds: (performance.now() - started) / 1000, timedOut });
    });
  });
}
