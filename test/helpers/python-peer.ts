// Runs the official Python client (local-pulsar/.venv) with a script from test/peers/python.
import { join } from 'node:path';
import { pythonPeer } from '../../src/local-pulsar/peers.js';
import { projectRoot } from '../../src/local-pulsar/paths.js';
import { runProcess } from './cli.js';

export function pythonOrThrow(): string {
  const py = pythonPeer();
  if (py === undefined) throw new Error('the Python peer is not installed: run `npm run peers:install` (.ci/run does)');
  return py;
}

/** Runs test/peers/python/<script> with JSON args; resolves with its stdout parsed as JSON. */
export async function runPythonPeer<T>(script: string, args: unknown, timeoutMs = 60_000): Promise<T> {
  const py = pythonOrThrow();
  const r = await runProcess(py, [join(projectRoot(), 'test', 'peers', 'python', script), JSON.stringify(args)], { timeoutMs });
  if (r.code !== 0) {
    throw new Error(`${script} exited ${String(r.code)}: ${r.stderr.split('\n').filter((l) => !l.includes(' INFO ')).slice(-15).join('\n')}`);
  }
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null') as T;
  } catch {
    throw new Error(`${script} printed no JSON result: ${r.stdout.slice(-500)}`);
  }
}
