import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveClasspath } from '../../src/local-pulsar/maven.js';
import { JAVA_TOOLS } from '../../src/local-pulsar/peers.js';
import type { WorkerJob } from './worker-protocol.js';

const LOG_CONFIG = join(dirname(fileURLToPath(import.meta.url)), 'log4j2-pulsar-perf.xml');

/** The `java ...` command line of one pulsar-perf run matching a worker job. */
export interface PerfCommand {
  readonly cmd: string;
  readonly args: readonly string[];
}

/**
 * pulsar-perf arguments that mirror the Strobe worker's settings: same batching limits, the same bound on
 * outstanding messages (`-o` → maxPendingMessages), no send time-out, same receiver queue and subscription.
 * `-r` is set far above anything reachable because pulsar-perf always rate-limits.
 */
export function pulsarPerfArgs(job: WorkerJob): string[] {
  if (job.mode === 'produce') {
    return [
      'produce',
      '-r', '100000000',
      '-m', String(job.messages),
      '-s', String(job.size),
      '-bm', String(job.batchMaxMessages),
      '-bb', String(job.batchMaxBytes),
      '-b', String(job.batchDelayMs),
      '-o', String(job.maxPending),
      '-u', job.serviceUrl,
      job.topic,
    ];
  }
  return [
    'consume',
    '-m', String(job.messages),
    '-ss', job.subscription,
    '-st', job.subscriptionType,
    '-sp', 'Earliest',
    '-q', String(job.receiverQueueSize),
    '-u', job.serviceUrl,
    job.topic,
  ];
}

/** Builds the java command line (classpath from local-pulsar/tools, resolved once by Maven and cached). */
export async function pulsarPerfCommand(job: WorkerJob, adminUrl: string, jvmArgs: readonly string[] = ['-Xmx512m']): Promise<PerfCommand> {
  const { classpath } = await resolveClasspath('tools');
  const dir = mkdtempSync(join(tmpdir(), 'strobe-bench-'));
  const conf = join(dir, 'client.conf');
  writeFileSync(conf, `webServiceUrl=${adminUrl}\nbrokerServiceUrl=${job.serviceUrl}\n`);
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  return {
    cmd: java,
    args: [...jvmArgs, `-Dlog4j2.configurationFile=${LOG_CONFIG}`, '-cp', classpath, JAVA_TOOLS.perf, conf, ...pulsarPerfArgs(job)],
  };
}

/** What pulsar-perf's log says happened, with the epoch-ms stamps of log4j2-pulsar-perf.xml. */
export interface PerfLog {
  /** Produce: "Created N producers" (the send loop starts next). Consume: "Start receiving ...". */
  readonly startMs: number | undefined;
  /** Produce: "DONE (reached the maximum number ...)" — N receipts counted. Consume: "DONE" — N received. */
  readonly endMs: number | undefined;
  /** From "Aggregated throughput stats --- X records sent|received" (printed at exit). */
  readonly records: number | undefined;
  /** pulsar-perf's own aggregated rate (msg/s); it counts from process start, so it is only informative. */
  readonly reportedRate: number | undefined;
  /** Error lines logged before DONE (after it, pulsar-perf is being stopped and may complain about closing). */
  readonly errors: readonly string[];
}

const LINE = /^(\d{13})\s+(\w+)\s+\S+\s+-\s+(.*)$/;

/** Parses pulsar-perf's stderr (as configured by log4j2-pulsar-perf.xml). */
export function parsePerfLog(text: string, mode: 'produce' | 'consume'): PerfLog {
  let startMs: number | undefined;
  let endMs: number | undefined;
  let records: number | undefined;
  let reportedRate: number | undefined;
  const errors: { at: number; msg: string }[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const at = Number(m[1]);
    const level = m[2] ?? '';
    const msg = m[3] ?? '';
    if (level === 'ERROR' || msg.includes('Write message error')) errors.push({ at, msg });
    if (mode === 'produce' && /^Created \d+ producers/.test(msg)) startMs ??= at;
    if (mode === 'consume' && msg.startsWith('Start receiving from')) startMs ??= at;
    if (/-+ DONE\b/.test(msg)) endMs ??= at;
    const agg = /Aggregated throughput stats --- (\d+) records (?:sent|received) --- ([\d.]+) msg\/s/.exec(msg);
    if (agg) {
      records = Number(agg[1]);
      reportedRate = Number(agg[2]);
    }
  }
  const cutoff = endMs ?? Number.POSITIVE_INFINITY;
  return { startMs, endMs, records, reportedRate, errors: errors.filter((e) => e.at <= cutoff).map((e) => e.msg) };
}

/** True for the log line that says the producer has N receipts (time to stop it: it would idle ~10 s). */
export function isProduceDoneLine(line: string): boolean {
  return /-+ DONE \(reached the maximum number/.test(line);
}
