import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { LocalBrokerError } from '../errors.js';
import { resolveClasspath } from './maven.js';
import { localPulsarPaths, type LocalPulsarPaths } from './paths.js';
import { tailFile } from './tail-file.js';

export interface LocalPulsarOptions {
  /** Binary protocol port. @default 6650 (env PULSAR_BROKER_PORT) */
  readonly brokerPort?: number;
  /** HTTP admin port. @default 8080 (env PULSAR_WEB_PORT) */
  readonly webPort?: number;
  /** Directory for config copy, data, logs and pid. @default local-pulsar/run */
  readonly runDir?: string;
  /** How long start may take before it fails. @default 120000 */
  readonly readyTimeoutMs?: number;
  /** JVM heap. @default '1g' */
  readonly heap?: string;
  /** Extra lines appended to standalone.conf (test-only variants: TLS, auth). */
  readonly extraConfig?: Readonly<Record<string, string>>;
  /** Bearer token for the readiness/health checks when the broker has authentication on (a superuser's). */
  readonly adminToken?: string;
  readonly log?: (line: string) => void;
}

export interface BrokerInfo {
  readonly pid: number;
  readonly serviceUrl: string;
  readonly adminUrl: string;
  readonly brokerPort: number;
  readonly webPort: number;
  readonly logFile: string;
}

export interface StartResult extends BrokerInfo {
  /** false when a healthy broker was already running and was reused. */
  readonly started: boolean;
  readonly timings: { readonly resolveSeconds: number; readonly startSeconds: number; readonly readySeconds: number };
}

function envPort(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new LocalBrokerError('BAD_PORT', `${name}=${v} is not a TCP port`);
  return n;
}

const JVM_OPENS = [
  'java.base/java.io', 'java.base/java.lang', 'java.base/java.nio', 'java.base/jdk.internal.misc',
  'java.base/sun.net', 'java.base/java.util.zip', 'java.management/sun.management',
  'jdk.management/com.sun.management.internal', 'java.base/jdk.internal.platform',
];

/** A Pulsar standalone broker on loopback, assembled from Maven Central jars; see local-pulsar/README.md. */
export class LocalPulsar {
  readonly paths: LocalPulsarPaths;
  readonly brokerPort: number;
  readonly webPort: number;
  private readonly opts: LocalPulsarOptions;
  private readonly log: (line: string) => void;

  constructor(opts: LocalPulsarOptions = {}) {
    this.opts = opts;
    this.paths = localPulsarPaths(opts.runDir);
    this.brokerPort = opts.brokerPort ?? envPort('PULSAR_BROKER_PORT', 6650);
    this.webPort = opts.webPort ?? envPort('PULSAR_WEB_PORT', 8080);
    this.log = opts.log ?? ((line) => process.stderr.write(`[local-pulsar] ${line}\n`));
  }

  get serviceUrl(): string {
    return `pulsar://127.0.0.1:${this.brokerPort}`;
  }

  get adminUrl(): string {
    return `http://127.0.0.1:${this.webPort}`;
  }

  /** Starts the broker unless a healthy one already answers on these ports; resolves when it is ready. */
  async start(): Promise<StartResult> {
    const running = this.runningPid();
    if (running !== undefined && (await this.isHealthy())) {
      this.log(`broker already running (pid ${running}) at ${this.serviceUrl}, reusing it`);
      return { ...this.info(running), started: false, timings: { resolveSeconds: 0, startSeconds: 0, readySeconds: 0 } };
    }
    if (running !== undefined) await this.stop();

    // A healthy broker already on these ports (another checkout's, or one started by hand): use it, as
    // `start` is idempotent; `stop` leaves it alone since this run directory did not start it.
    if (!(await portFree(this.webPort)) && !(await portFree(this.brokerPort)) && (await this.isHealthy())) {
      this.log(`a Pulsar broker not started from ${this.paths.runDir} already answers at ${this.serviceUrl}; using it`);
      return { ...this.info(0), started: false, timings: { resolveSeconds: 0, startSeconds: 0, readySeconds: 0 } };
    }
    for (const port of [this.brokerPort, this.webPort]) {
      if (!(await portFree(port))) {
        throw new LocalBrokerError(
          'PORT_IN_USE',
          `port ${port} on 127.0.0.1 is taken by another process; free it or choose other ports (PULSAR_BROKER_PORT, PULSAR_WEB_PORT)`,
        );
      }
    }

    const cp = await resolveClasspath('broker', this.log);
    this.log(`classpath ${cp.resolved ? 'resolved' : 'cached'} in ${cp.seconds.toFixed(1)} s`);

    const p = this.paths;
    rmSync(p.dataDir, { recursive: true, force: true }); // RocksDB-mode restarts on old data are unreliable
    rmSync(p.tmpDir, { recursive: true, force: true });
    for (const d of [p.runDir, p.dataDir, p.tmpDir, join(p.runDir, 'logs')]) mkdirSync(d, { recursive: true });
    this.writeConfig();

    const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
    const heap = this.opts.heap ?? '1g';
    const args = [
      `-Xms${heap}`, `-Xmx${heap}`, '-XX:MaxDirectMemorySize=1g', '-XX:+UseG1GC', '-XX:+ExitOnOutOfMemoryError',
      '-Djava.net.preferIPv4Stack=true', '-Dio.netty.tryReflectionSetAccessible=true',
      '-Dlog4j.shutdownHookEnabled=false', `-Dlog4j2.configurationFile=${join(p.home, 'conf', 'log4j2.xml')}`,
      `-Dpulsar.log.file=${p.logFile}`, `-Djava.io.tmpdir=${p.tmpDir}`,
      ...JVM_OPENS.flatMap((m) => ['--add-opens', `${m}=ALL-UNNAMED`]),
      '-cp', cp.classpath, 'org.apache.pulsar.PulsarStandaloneStarter',
      '-c', p.configFile, '-nfw', '-nss',
      '--metadata-dir', join(p.dataDir, 'metadata'), '--bookkeeper-dir', join(p.dataDir, 'bookkeeper'),
    ];
    const out = openSync(p.stdoutFile, 'a');
    const t0 = performance.now();
    const child = spawn(java, args, { cwd: p.runDir, detached: true, stdio: ['ignore', out, out] });
    closeSync(out);
    const pid = child.pid;
    if (pid === undefined) throw new LocalBrokerError('SPAWN_FAILED', `could not start ${java}`, { logFile: p.stdoutFile });
    let exitCode: number | null | undefined;
    child.on('exit', (code) => (exitCode = code ?? -1));
    child.unref();
    writeFileSync(p.pidFile, String(pid));
    writeFileSync(p.infoFile, JSON.stringify(this.info(pid)));
    this.log(`started java (pid ${pid}); log: ${p.logFile}`);

    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 120_000);
    const fail = async (msg: string): Promise<never> => {
      await this.stop();
      throw new LocalBrokerError(
        'NOT_READY',
        `${msg}\nBroker log: ${p.logFile}\nJVM output: ${p.stdoutFile}\n--- last lines ---\n${tailFile(p.stdoutFile, 15)}\n${tailFile(p.logFile, 15)}`,
        { logFile: p.logFile },
      );
    };
    // Phase 1: the admin API lists public/default (the standalone has created its namespaces).
    while (!(await this.namespaceListed())) {
      if (exitCode !== undefined) return fail(`the broker process exited (code ${String(exitCode)}) before it was ready`);
      if (Date.now() > deadline) return fail(`the broker was not ready within ${this.opts.readyTimeoutMs ?? 120_000} ms`);
      await delay(250);
    }
    const t1 = performance.now();
    // Phase 2: the health check does a real produce and read.
    while (!(await this.isHealthy())) {
      if (exitCode !== undefined) return fail(`the broker process exited (code ${String(exitCode)}) before it was healthy`);
      if (Date.now() > deadline) return fail(`the broker was not healthy within ${this.opts.readyTimeoutMs ?? 120_000} ms`);
      await delay(250);
    }
    const t2 = performance.now();
    const timings = { resolveSeconds: cp.seconds, startSeconds: (t1 - t0) / 1000, readySeconds: (t2 - t1) / 1000 };
    this.log(
      `ready at ${this.serviceUrl} (admin ${this.adminUrl}): resolve ${timings.resolveSeconds.toFixed(1)} s, ` +
        `start ${timings.startSeconds.toFixed(1)} s, healthy ${timings.readySeconds.toFixed(1)} s later`,
    );
    return { ...this.info(pid), started: true, timings };
  }

  /** SIGTERM, then SIGKILL after the grace period; removes the pid file. Safe to call when not running. */
  async stop(graceMs = 20_000): Promise<boolean> {
    const pid = this.runningPid();
    if (pid === undefined) {
      rmSync(this.paths.pidFile, { force: true });
      return false;
    }
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (alive(pid) && Date.now() < deadline) await delay(100);
    if (alive(pid)) {
      this.log(`broker (pid ${pid}) did not stop within ${graceMs} ms, killing it`);
      signalGroup(pid, 'SIGKILL');
      while (alive(pid)) await delay(50);
    }
    rmSync(this.paths.pidFile, { force: true });
    this.log(`stopped broker (pid ${pid})`);
    return true;
  }

  /** The pid of a broker this run directory started that is still alive. */
  runningPid(): number | undefined {
    if (!existsSync(this.paths.pidFile)) return undefined;
    const pid = Number(readFileSync(this.paths.pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
    // A recycled pid would not be our java: check its command line.
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('PulsarStandaloneStarter')) return undefined;
    } catch {
      return undefined;
    }
    return pid;
  }

  async isHealthy(): Promise<boolean> {
    const r = await httpGet(`${this.adminUrl}/admin/v2/brokers/health`, 10_000, this.opts.adminToken);
    return r !== undefined && r.status === 200 && r.body.trim() === 'ok';
  }

  private async namespaceListed(): Promise<boolean> {
    const r = await httpGet(`${this.adminUrl}/admin/v2/namespaces/public`, 3_000, this.opts.adminToken);
    if (r === undefined || r.status !== 200) return false;
    try {
      return (JSON.parse(r.body) as unknown[]).includes('public/default');
    } catch {
      return false;
    }
  }

  private info(pid: number): BrokerInfo {
    return {
      pid,
      serviceUrl: this.serviceUrl,
      adminUrl: this.adminUrl,
      brokerPort: this.brokerPort,
      webPort: this.webPort,
      logFile: this.paths.logFile,
    };
  }

  private writeConfig(): void {
    const base = readFileSync(join(this.paths.home, 'conf', 'standalone.conf'), 'utf8');
    const overrides: Record<string, string> = {
      brokerServicePort: String(this.brokerPort),
      webServicePort: String(this.webPort),
      ...this.opts.extraConfig,
    };
    const lines = base.split('\n').filter((l) => {
      const key = l.split('=')[0]?.trim() ?? '';
      return !(key in overrides);
    });
    for (const [k, v] of Object.entries(overrides)) lines.push(`${k}=${v}`);
    writeFileSync(this.paths.configFile, lines.join('\n') + '\n');
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped) counts as gone.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig); // started detached: its own process group
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once('error', () => resolvePromise(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolvePromise(true)));
  });
}

async function httpGet(url: string, timeoutMs: number, token?: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
