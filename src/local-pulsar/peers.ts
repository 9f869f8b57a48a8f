import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalBrokerError } from '../errors.js';
import { resolveClasspath } from './maven.js';
import { localPulsarPaths } from './paths.js';

/**
 * Installs the official Python client (and the classic loop's packages) into local-pulsar/.venv from
 * local-pulsar/requirements-peers.txt. Skipped when the venv already matches the requirements file.
 * Returns the venv's python.
 */
export function installPythonPeers(log: (line: string) => void = () => {}): { python: string; installed: boolean; seconds: number } {
  const t0 = performance.now();
  const { home, venvDir } = localPulsarPaths();
  const req = join(home, 'requirements-peers.txt');
  const python = join(venvDir, 'bin', 'python');
  const stamp = join(venvDir, '.strobe-requirements.sha256');
  const hash = createHash('sha256').update(readFileSync(req)).digest('hex');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    return { python, installed: false, seconds: (performance.now() - t0) / 1000 };
  }
  mkdirSync(venvDir, { recursive: true });
  log(`creating ${venvDir} with the official Python client`);
  const py = process.env.PYTHON ?? 'python3';
  run(py, ['-m', 'venv', venvDir]);
  run(python, ['-m', 'pip', 'install', '--quiet', '-r', req]);
  writeFileSync(stamp, hash);
  return { python, installed: true, seconds: (performance.now() - t0) / 1000 };
}

/** The project venv's python if the peers are installed, else undefined. */
export function pythonPeer(): string | undefined {
  const python = join(localPulsarPaths().venvDir, 'bin', 'python');
  return existsSync(python) ? python : undefined;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    throw new LocalBrokerError('PEER_INSTALL_FAILED', `${cmd} ${args.join(' ')} failed (exit ${String(r.status)})`);
  }
}

export interface JavaToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Java main classes of the official tools resolved by local-pulsar/tools/pom.xml. */
export const JAVA_TOOLS = {
  client: 'org.apache.pulsar.client.cli.PulsarClientTool',
  perf: 'org.apache.pulsar.testclient.PulsarPerfTestTool',
} as const;

/**
 * Runs an official Java tool (`pulsar-client` or pulsar-perf) against a broker. Both read a client.conf
 * first; one is written for the given URLs.
 */
export async function runJavaTool(
  tool: keyof typeof JAVA_TOOLS,
  args: readonly string[],
  urls: { serviceUrl: string; adminUrl: string },
  opts: { timeoutMs?: number; jvmArgs?: readonly string[] } = {},
): Promise<JavaToolResult> {
  const { classpath } = await resolveClasspath('tools');
  const { runDir, home } = localPulsarPaths();
  mkdirSync(runDir, { recursive: true });
  const conf = join(runDir, `client-${createHash('sha1').update(urls.serviceUrl + urls.adminUrl).digest('hex').slice(0, 8)}.conf`);
  writeFileSync(conf, `webServiceUrl=${urls.adminUrl}\nbrokerServiceUrl=${urls.serviceUrl}\n`);
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const cli = tool === 'client' ? [JAVA_TOOLS.client, conf, ...args] : [JAVA_TOOLS.perf, conf, ...args];
  const jvm = [
    '-Xmx512m',
    `-Dlog4j2.configurationFile=${join(home, 'conf', 'log4j2-tools.xml')}`,
    ...(opts.jvmArgs ?? []),
    '-cp', classpath,
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(java, [...jvm, ...cli], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new LocalBrokerError('JAVA_TOOL_FAILED', `cannot run ${java}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
