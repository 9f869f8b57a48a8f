import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding Strobe's package.json and local-pulsar/ (works from src/ under tsx and from dist/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'local-pulsar', 'conf', 'standalone.conf'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Strobe project root (local-pulsar/conf/standalone.conf)');
    dir = parent;
  }
}

export interface LocalPulsarPaths {
  /** local-pulsar/ in the project: poms, conf, settings.xml. */
  readonly home: string;
  /** Where a broker runs: config copy, data, logs, pid, tmp. Override with STROBE_PULSAR_RUN_DIR. */
  readonly runDir: string;
  readonly pidFile: string;
  readonly infoFile: string;
  readonly logFile: string;
  readonly stdoutFile: string;
  readonly dataDir: string;
  readonly tmpDir: string;
  readonly configFile: string;
  readonly venvDir: string;
}

export function localPulsarPaths(runDir?: string): LocalPulsarPaths {
  const home = join(projectRoot(), 'local-pulsar');
  const run = resolve(runDir ?? process.env.STROBE_PULSAR_RUN_DIR ?? join(home, 'run'));
  return {
    home,
    runDir: run,
    pidFile: join(run, 'broker.pid'),
    infoFile: join(run, 'broker.json'),
    logFile: join(run, 'logs', 'pulsar-standalone.log'),
    stdoutFile: join(run, 'logs', 'stdout.log'),
    dataDir: join(run, 'data'),
    tmpDir: join(run, 'tmp'),
    configFile: join(run, 'standalone.conf'),
    venvDir: process.env.STROBE_PEERS_VENV ?? join(home, '.venv'),
  };
}
