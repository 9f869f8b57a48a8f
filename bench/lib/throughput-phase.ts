import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PulsarAdmin } from '../../src/client/admin.js';
import { localPulsarPaths } from '../../src/local-pulsar/paths.js';
import { isProduceDoneLine, parsePerfLog, pulsarPerfCommand } from './pulsar-perf.js';
import { runSampled, type SampledRun } from './run-sampled.js';
import { ratePerSecond } from './summary-stats.js';
import { brokerWindow, TopicPoller, type TopicCounterSample } from './topic-poller.js';
import { parseWorkerResult, type WorkerJob } from './worker-protocol.js';

export type Contender = 'strobe' | 'java';

/** Everything measured in one produce or consume run of one client. */
export interface PhaseResult {
  readonly contender: Contender;
  readonly mode: 'produce' | 'consume';
  readonly size: number;
  readonly round: number;
  readonly topic: string;
  readonly messages: number;
  /** Messages the client counted (receipts, or received). */
  readonly clientCount: number | undefined;
  /** Window as the client reports it (epoch ms): first send → N-th receipt; subscribed → N-th message. */
  readonly clientWindowMs: number | undefined;
  readonly clientStartMs: number | undefined;
  readonly brokerStartMs: number | undefined;
  readonly clientRate: number;
  /** Window as the broker's counters show it: first → N-th msgInCounter (produce) or msgOutCounter (consume). */
  readonly brokerWindowMs: number | undefined;
  readonly brokerRate: number;
  /** Broker counters after the client exited. */
  readonly finalMsgIn: number;
  readonly finalMsgOut: number;
  readonly finalBacklog: number;
  readonly cpuSecondsInWindow: number;
  readonly cpuSecondsTotal: number;
  readonly brokerCpuSecondsInWindow: number | undefined;
  /** Cores kept busy over the window by everything except this client and the broker (other work on the machine). */
  readonly otherCoresBusy: number;
  readonly peakRssMiB: number;
  readonly processWallSeconds: number;
  readonly exit: string;
  /** Empty when every count checked out. */
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

export interface PhaseOptions {
  readonly admin: PulsarAdmin;
  readonly adminUrl: string;
  readonly projectRoot: string;
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  /** Node arguments that start the Strobe worker (the job JSON is appended): see `strobeWorkerArgs`. */
  readonly strobeWorker: readonly string[];
}

/** The Strobe worker's source. */
export const STROBE_WORKER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'strobe-client-worker.ts');

/** Node arguments for the worker: compiled JS (as shipped) or the TypeScript source under tsx. */
export function strobeWorkerArgs(compiledWorker: string | undefined): string[] {
  return compiledWorker === undefined ? ['--import', 'tsx', STROBE_WORKER_SOURCE] : [compiledWorker];
}

/** The running broker's pid (from local-pulsar's pid file), to sample its CPU over the same windows. */
export function localBrokerPid(): number | undefined {
  const { pidFile } = localPulsarPaths();
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && existsSync(`/proc/${pid}`) ? pid : undefined;
}

/** Runs one client process for one phase, with /proc sampling and broker-stats polling around it. */
export async function runPhase(contender: Contender, job: WorkerJob, round: number, opts: PhaseOptions): Promise<PhaseResult> {
  const poller = new TopicPoller(opts.admin, job.topic, job.mode === 'consume' ? job.subscription : undefined, opts.pollIntervalMs);
  const brokerPid = localBrokerPid();
  // The broker first (when found), the whole machine last: what neither client nor broker used is other load.
  const alsoSample: (number | 'machine')[] = brokerPid === undefined ? ['machine'] : [brokerPid, 'machine'];
  let run: SampledRun;
  if (contender === 'strobe') {
    run = await runSampled(process.execPath, [...opts.strobeWorker, JSON.stringify(job)], {
      cwd: opts.projectRoot,
      timeoutMs: opts.timeoutMs,
      alsoSample,
    });
  } else {
    const { cmd, args } = await pulsarPerfCommand(job, opts.adminUrl);
    let stopping = false;
    run = await runSampled(cmd, args, {
      timeoutMs: opts.timeoutMs,
      alsoSample,
      onLine: (line, _stream, pid) => {
        // After N receipts pulsar-perf's producer idles until its 10 s stats tick; stop it sooner.
        if (job.mode === 'produce' && !stopping && isProduceDoneLine(line)) {
          stopping = true;
          setTimeout(() => {
            try {
              process.kill(pid, 'SIGTERM');
            } catch {
              /* already gone */
            }
          }, 500).unref();
        }
      },
    });
  }
  const samples = await poller.stop();
  return measure(contender, job, round, run, samples);
}

function measure(contender: Contender, job: WorkerJob, round: number, run: SampledRun, samples: readonly TopicCounterSample[]): PhaseResult {
  const problems: string[] = [];
  const notes: string[] = [];
  let startMs: number | undefined;
  let endMs: number | undefined;
  let clientCount: number | undefined;
  if (contender === 'strobe') {
    const r = parseWorkerResult(run.stdout);
    if (!r) {
      problems.push(`worker printed no result (exit ${String(run.code)}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    } else {
      startMs = r.startMs;
      endMs = r.endMs;
      clientCount = r.count;
      if (r.failures > 0) problems.push(`${r.failures} sends failed: ${r.firstError ?? ''}`);
      if ((r.extra ?? 0) > 0) problems.push(`${r.extra} messages delivered beyond N`);
    }
    if (run.code !== 0) problems.push(`worker exit ${String(run.code)} ${String(run.signal ?? '')}`);
  } else {
    const log = parsePerfLog(run.stderr, job.mode);
    startMs = log.startMs;
    endMs = log.endMs;
    clientCount = log.records;
    if (startMs === undefined || endMs === undefined) problems.push('pulsar-perf log has no start/DONE line');
    if (log.errors.length > 0) problems.push(`pulsar-perf errors: ${log.errors.slice(0, 2).join(' | ')}`);
    if (log.reportedRate !== undefined) notes.push(`pulsar-perf's own aggregate: ${log.reportedRate.toFixed(0)} msg/s (counts from its start-up)`);
  }
  if (run.timedOut) problems.push('timed out');

  const last = samples[samples.length - 1];
  const finalMsgIn = last?.msgIn ?? 0;
  const finalMsgOut = last?.msgOut ?? 0;
  const finalBacklog = last?.backlog ?? -1;
  const n = job.messages;
  if (job.mode === 'produce') {
    if (contender === 'strobe') {
      if (clientCount !== n) problems.push(`client counted ${String(clientCount)} receipts, expected ${n}`);
      if (finalMsgIn !== n) problems.push(`broker took in ${finalMsgIn}, expected ${n}`);
    } else {
      // pulsar-perf checks its receipt count before each send, so up to -o messages more are in flight when it stops.
      if (clientCount === undefined || clientCount < n) problems.push(`pulsar-perf counted ${String(clientCount)} receipts, expected ≥ ${n}`);
      if (finalMsgIn < n) problems.push(`broker took in ${finalMsgIn}, expected ≥ ${n}`);
      if (finalMsgIn > n) notes.push(`pulsar-perf overshoot: ${finalMsgIn - n} messages beyond N`);
    }
  } else {
    if (clientCount !== n) problems.push(`consumer counted ${String(clientCount)}, expected exactly ${n}`);
    if (finalMsgOut < n) problems.push(`broker dispatched ${finalMsgOut}, expected ≥ ${n}`);
    if (contender === 'strobe') {
      if (finalMsgOut !== n) problems.push(`broker dispatched ${finalMsgOut}, expected exactly ${n}`);
      if (finalBacklog !== 0) problems.push(`backlog ${finalBacklog} after close, expected 0 (all acked)`);
    } else if (finalBacklog > 0) {
      notes.push(`backlog ${finalBacklog} entries left (pulsar-perf exits at N without flushing grouped acks, and leaves any overshoot)`);
    }
  }

  const counter = job.mode === 'produce' ? (s: TopicCounterSample) => s.msgIn : (s: TopicCounterSample) => s.msgOut;
  const bw = brokerWindow(samples, counter, n);
  const clientWindowMs = startMs !== undefined && endMs !== undefined ? endMs - startMs : undefined;
  const broker = run.others.find((o) => o.target !== 'machine');
  const machine = run.others.find((o) => o.target === 'machine');
  const haveWindow = startMs !== undefined && endMs !== undefined && endMs > startMs;
  const cpuIn = (o: { cpuSecondsBetween: (a: number, b: number) => number } | undefined): number =>
    o && haveWindow ? o.cpuSecondsBetween(startMs as number, endMs as number) : Number.NaN;
  const clientCpu = cpuIn(run.sampler);
  const brokerCpu = cpuIn(broker);
  const otherCoresBusy = haveWindow ? (cpuIn(machine) - clientCpu - (Number.isNaN(brokerCpu) ? 0 : brokerCpu)) / (((endMs as number) - (startMs as number)) / 1000) : Number.NaN;
  return {
    contender,
    mode: job.mode,
    size: job.size,
    round,
    topic: job.topic,
    messages: n,
    clientCount,
    clientWindowMs,
    clientStartMs: startMs,
    brokerStartMs: bw?.startMs,
    clientRate: ratePerSecond(n, startMs, endMs),
    brokerWindowMs: bw ? bw.endMs - bw.startMs : undefined,
    brokerRate: ratePerSecond(n, bw?.startMs, bw?.endMs),
    finalMsgIn,
    finalMsgOut,
    finalBacklog,
    cpuSecondsInWindow: clientCpu,
    cpuSecondsTotal: run.sampler.totalCpuSeconds,
    brokerCpuSecondsInWindow: Number.isNaN(brokerCpu) ? undefined : brokerCpu,
    otherCoresBusy,
    peakRssMiB: run.sampler.peakRssBytes / 2 ** 20,
    processWallSeconds: run.wallSeconds,
    exit: run.signal ?? String(run.code),
    problems,
    notes,
  };
}
