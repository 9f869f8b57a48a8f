// Runs the `strobe` CLI as a child process, as a user would.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/local-pulsar/paths.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function strobeBin(): string {
  return join(projectRoot(), 'bin', 'strobe.js');
}

/** Runs a command to completion, collecting its output (killed after timeoutMs). */
export function runProcess(
  cmd: string,
  args: readonly string[],
  opts: { timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? projectRoot(), env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `strobe ...args` to completion (killed after timeoutMs). */
export function runStrobe(args: readonly string[], opts: { timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return runProcess(process.execPath, [strobeBin(), ...args], opts);
}

/** Starts `strobe ...args` and returns the process (the caller stops it). */
export function spawnStrobe(args: readonly string[], opts: { env?: Record<string, string>; cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [strobeBin(), ...args], {
    cwd: opts.cwd ?? projectRoot(),
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
