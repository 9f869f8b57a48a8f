// The contenders of the scoring benchmark as processes: the Strobe worker (`strobe run`), the classic
// Python loop, and the broker's ceiling (pulsar-perf consume, no scoring).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PulsarAdmin } from '../../src/client/admin.js';
import { runPhase, type PhaseResult } from '../lib/throughput-phase.js';
import type { WorkerJob } from '../lib/worker-protocol.js';
import type { ScoringProcess } from './scoring-run.js';
import { FUNCTION_NAME, pythonModelJob, type ScoringFunction } from './scoring-function.js';

export const CONTENDERS = ['strobe', 'strobe-batch1', 'python', 'java'] as const;
export type ContenderName = (typeof CONTENDERS)[number];

export const CLASSIC_LOOP = join(dirname(fileURLToPath(import.meta.url)), '..', 'peers', 'python', 'classic_loop.py');

/** The classic loop's batching: predict at this many messages or when the first has waited this long. */
export const PYTHON_BATCH = { size: 100, timeoutMs: 1000 } as const;

export interface Connection {
  readonly serviceUrl: string;
  readonly adminUrl: string;
}

/** `strobe run fraud-scorer` on a private functions dir; metrics on a free port, read before SIGTERM. */
export function strobeProcess(cli: readonly string[], fn: ScoringFunction, conn: Connection, cpuProfileDir?: string): ScoringProcess {
  return {
    cmd: process.execPath,
    args: [
      ...(cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir]),
      ...cli,
      'run', FUNCTION_NAME,
      '--functions-dir', fn.functionsDir,
      '--schemas-dir', fn.schemasDir,
      '--service-url', conn.serviceUrl,
      '--admin-url', conn.adminUrl,
      '--metrics-port', '0',
      '--log-level', 'info',
    ],
    readyLine: /"msg":"worker ready"/,
    stop: 'sigterm',
    scrape: async (line) => {
      const url = /"metrics":"(http:\/\/[^"]+)"/.exec(line)?.[1];
      if (url === undefined) return '# no metrics URL in the ready line';
      const res = await fetch(`${url.replace('0.0.0.0', '127.0.0.1')}/metrics`);
      return res.text();
    },
  };
}

export interface PythonRunSpec {
  readonly python: string;
  readonly jobFile: string;
  readonly fn: ScoringFunction;
  readonly conn: Connection;
  readonly subscription: string;
  readonly count: number;
  readonly receiverQueueSize: number;
}

/** The classic loop, with its job (topics, model, the validated feature columns) in a JSON file. */
export function pythonProcess(s: PythonRunSpec): ScoringProcess {
  const job = {
    serviceUrl: s.conn.serviceUrl,
    input: s.fn.config.inputs[0],
    output: s.fn.config.output,
    subscription: s.subscription,
    subscriptionType: s.fn.config.subscriptionType,
    receiverQueueSize: s.receiverQueueSize,
    count: s.count,
    batchSize: PYTHON_BATCH.size,
    batchTimeoutMs: PYTHON_BATCH.timeoutMs,
    ...pythonModelJob(s.fn),
  };
  writeFileSync(s.jobFile, `${JSON.stringify(job, null, 2)}\n`);
  return { cmd: s.python, args: [CLASSIC_LOOP, s.jobFile], readyLine: /^READY$/, stop: 'self' };
}

/** What the Python loop prints when done. */
export interface PythonResult {
  readonly count: number;
  readonly batches: number;
  readonly meanBatchSize: number;
  readonly firstReceiveMs: number;
  readonly lastReceiptMs: number;
}

export function parsePythonResult(stdout: string): PythonResult | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  return line === undefined ? undefined : (JSON.parse(line.slice('RESULT '.length)) as PythonResult);
}

/**
 * The broker's ceiling: pulsar-perf consuming the same backlog with its own subscription, no scoring,
 * run and checked by the client-throughput benchmark's phase runner.
 */
export function runJavaCeiling(o: {
  admin: PulsarAdmin;
  conn: Connection;
  projectRoot: string;
  topic: string;
  subscription: string;
  subscriptionType: WorkerJob['subscriptionType'];
  events: number;
  receiverQueueSize: number;
  timeoutMs: number;
}): Promise<PhaseResult> {
  const job: WorkerJob = {
    mode: 'consume',
    serviceUrl: o.conn.serviceUrl,
    topic: o.topic,
    messages: o.events,
    size: 0,
    batchMaxMessages: 1000,
    batchMaxBytes: 128 * 1024,
    batchDelayMs: 10,
    maxPending: 1000,
    subscription: o.subscription,
    subscriptionType: o.subscriptionType,
    receiverQueueSize: o.receiverQueueSize,
    idleTimeoutMs: 60_000,
  };
  return runPhase('java', job, 1, { admin: o.admin, adminUrl: o.conn.adminUrl, projectRoot: o.projectRoot, pollIntervalMs: 50, timeoutMs: o.timeoutMs, strobeWorker: [] });
}
