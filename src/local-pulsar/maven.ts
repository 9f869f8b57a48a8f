import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalBrokerError } from '../errors.js';
import { localPulsarPaths } from './paths.js';

/** Which Maven project under local-pulsar/: the broker's jars or the official Java client tools. */
export type ClasspathKind = 'broker' | 'tools';

export interface ResolvedClasspath {
  readonly classpath: string;
  /** false when a cached classpath whose jars are all present was reused (no Maven run, works offline). */
  readonly resolved: boolean;
  readonly seconds: number;
}

/**
 * Resolves the runtime classpath of local-pulsar/<kind>/pom.xml with Maven, once: the result is cached in
 * target/classpath.txt next to a hash of the pom and settings, and reused while every jar on it exists.
 */
export interface ResolveOptions {
  /** Run Maven even when a cached classpath is valid. */
  readonly force?: boolean;
  /** Where classpath.txt is written. @default local-pulsar/<kind>/target */
  readonly outputDir?: string;
  /** Extra Maven arguments (e.g. `-o`). @default env STROBE_MAVEN_ARGS split on spaces */
  readonly mavenArgs?: readonly string[];
}

export async function resolveClasspath(
  kind: ClasspathKind,
  log: (line: string) => void = () => {},
  opts: ResolveOptions = {},
): Promise<ResolvedClasspath> {
  const started = performance.now();
  const { home } = localPulsarPaths();
  const projectDir = join(home, kind);
  const pom = join(projectDir, 'pom.xml');
  const settings = join(home, 'settings.xml');
  const targetDir = opts.outputDir ?? join(projectDir, 'target');
  const cpFile = join(targetDir, 'classpath.txt');
  const hashFile = join(targetDir, 'classpath.hash');
  const hash = createHash('sha256').update(readFileSync(pom)).update(readFileSync(settings)).digest('hex');

  if (opts.force !== true && existsSync(cpFile) && existsSync(hashFile) && readFileSync(hashFile, 'utf8') === hash) {
    const classpath = readFileSync(cpFile, 'utf8').trim();
    if (classpath.split(':').every((jar) => existsSync(jar))) {
      return { classpath, resolved: false, seconds: (performance.now() - started) / 1000 };
    }
  }

  mkdirSync(targetDir, { recursive: true });
  log(`resolving the ${kind} jars with Maven (first run downloads a few hundred MB from Maven Central)`);
  const args = [
    '-B', '-q', '-s', settings, '-f', pom,
    'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`, '-Dmdep.includeScope=runtime',
    // Extra Maven arguments, e.g. `-o` to work offline or -Dmaven.repo.local=... for another cache.
    ...(opts.mavenArgs ?? (process.env.STROBE_MAVEN_ARGS ?? '').split(' ').filter((a) => a !== '')),
  ];
  const { code, output } = await runCollect('mvn', args);
  if (code !== 0 || !existsSync(cpFile)) {
    rmSync(cpFile, { force: true });
    throw new LocalBrokerError(
      'MAVEN_RESOLVE_FAILED',
      `Maven could not resolve local-pulsar/${kind}/pom.xml (exit ${String(code)}).\n` +
        `Command: mvn ${args.join(' ')}\n${output.split('\n').filter((l) => l.includes('ERROR')).slice(0, 12).join('\n')}`,
    );
  }
  writeFileSync(hashFile, hash);
  const classpath = readFileSync(cpFile, 'utf8').trim();
  return { classpath, resolved: true, seconds: (performance.now() - started) / 1000 };
}

function runCollect(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) =>
      reject(new LocalBrokerError('MAVEN_MISSING', `cannot run ${cmd}: ${err.message} (install Maven 3.8+)`, { cause: err })),
    );
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}
