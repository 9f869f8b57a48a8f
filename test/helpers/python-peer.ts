// Runs the official Python client (local-pulsar/.venv) with a script from test/peers/python.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pythonPeer } from '../../src/local-pulsar/peers.js';
import { projectRoot } from '../../src/local-pulsar/paths.js';

export function pythonOrThrow(): string {
  const py = pythonPeer();
  if (py === undefined) throw new Error('the Python peer is not installed: run `npm run peers:install` (.ci/run does)');
  return py;
}

/** Runs test/peers/python/<script> with JSON args; resolves with its stdout parsed as JSON. */
export function runPythonPeer<T>(script: string, args: unknown, timeoutMs = 60_000): Promise<T> {
  const py = pythonOrThrow();
  return new Promise((resolve, reject) => {
    const child = spawn(py, [join(projectRoot(), 'test', 'peers', 'python', script), JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`${script} exited ${String(code)}: ${err.split('\n').filter((l) => !l.includes(' INFO ')).slice(-15).join('\n')}`));
        return;
      }
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? 'null') as T);
      } catch {
        reject(new Error(`${script} printed no JSON result: ${out.slice(-500)}`));
      }
    });
  });
}
