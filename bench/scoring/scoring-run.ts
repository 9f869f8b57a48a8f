// One run of one scoring contender as a separate process (the Strobe worker or the Python loop): sampled
// from /proc, watched through the broker's counters until every input is scored, published and acked.
import type { PulsarAdmin } from '../../src/client/admin.js';
import { StrobeError } from '../../src/errors.js';
import type { ProcSampler } from '../lib/proc-sampler.js';
import { runSampled, type SampledRun } from '../lib/run-sampled.js';
import { localBrokerPid } from '../lib/throughput-phase.js';
import { crossingTimeMs, TopicPoller, type TopicCounterSample } from '../lib/topic-poller.js';

export interface ScoringProcess {
  readonly cmd: string;
  readonly args: readonly string[];
  /** A line the process prints once it is subscribed and can score. */
  readonly readyLine: RegExp;
  /** self: exits on its own after `count` inputs; sigterm: runs until told to drain (Strobe). */
  readonly stop: 'self' | 'sigterm';
  /** Reads the process's own figures before it is stopped (the ready line is passed in). */
  readonly scrape?: (readyLine: string) => Promise<string>;
}

export interface ScoringRunOptions {
  readonly admin: PulsarAdmin;
  readonly input: string;
  readonly subscription: string;
  readonly output: string;
  /** Inputs to score; the run is complete when the output holds this many and the input backlog is 0. */
  readonly count: number;
  readonly timeoutMs: number;
  readonly cwd: string;
  /** Latency phase: called once the process is ready, writes the input while it runs. */
  readonly produce?: () => Promise<unknown>;
}

export interface ScoringRun {
  /** Broker dispatched the first input to the subscription (interpolated between polls). */
  readonly firstDispatchMs: number | undefined;
  readonly run: SampledRun;
  readonly input: readonly TopicCounterSample[];
  readonly output: readonly TopicCounterSample[];
  /** The output topic took in its count-th message (interpolated between polls). */
  readonly outputCompleteMs: number | undefined;
  readonly readyMs: number | undefined;
  readonly produced: unknown;
  /** What `scrape` returned (Strobe: /metrics text). */
  readonly scraped: string | undefined;
  readonly others: { readonly broker: ProcSampler | undefined; readonly machine: ProcSampler | undefined };
  readonly problems: readonly string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function latest(p: TopicPoller): TopicCounterSample | undefined {
  const all = p.current;
  return all[all.length - 1];
}

export async function runScoringProcess(proc: ScoringProcess, o: ScoringRunOptions): Promise<ScoringRun> {
  const problems: string[] = [];
  const inputPoller = new TopicPoller(o.admin, o.input, o.subscription, 100);
  const outputPoller = new TopicPoller(o.admin, o.output, undefined, 100);
  const brokerPid = localBrokerPid();
  let pid: number | undefined;
  let readyLine: string | undefined;
  let readyMs: number | undefined;
  let exited = false;
  const tail: string[] = [];
  const running = runSampled(proc.cmd, proc.args, {
    cwd: o.cwd,
    timeoutMs: o.timeoutMs + 30_000,
    alsoSample: brokerPid === undefined ? ['machine'] : [brokerPid, 'machine'],
    onSpawn: (p) => {
      pid = p;
    },
    onLine: (line) => {
      if (readyLine === undefined && proc.readyLine.test(line)) {
        readyLine = line;
        readyMs = Date.now();
      }
      tail.push(line);
      if (tail.length > 20) tail.shift();
    },
  });
  running.then(
    () => (exited = true),
    () => (exited = true),
  );
  let produced: unknown;
  let scraped: string | undefined;
  try {
    const deadline = Date.now() + o.timeoutMs;
    while (readyLine === undefined && !exited) {
      if (Date.now() > deadline) throw new StrobeError('BENCH_NOT_READY', `${proc.cmd} did not get ready: ${tail.join(' | ')}`);
      await sleep(20);
    }
    if (o.produce && !exited) produced = await o.produce();
    for (;;) {
      const inp = latest(inputPoller);
      const out = latest(outputPoller);
      if (out && inp && out.msgIn >= o.count && inp.backlog === 0) break;
      // Whether it finished is checked on the broker's counters after it exited.
      if (exited) break;
      if (Date.now() > deadline) {
        problems.push(`timed out with output ${out?.msgIn ?? 0}/${o.count}, backlog ${inp?.backlog ?? '?'}`);
        break;
      }
      await sleep(50);
    }
    if (proc.scrape && readyLine !== undefined && !exited) scraped = await proc.scrape(readyLine).catch((e: unknown) => `# scrape failed: ${(e as Error).message}`);
  } finally {
    if (proc.stop === 'sigterm' || problems.length > 0) signal(pid, 'SIGTERM');
  }
  const run = await running;
  if (run.code !== 0) problems.push(`exit ${String(run.code)} ${String(run.signal ?? '')}: ${tail.slice(-3).join(' | ')}`);
  if (run.timedOut) problems.push('killed at the time-out');
  const input = await inputPoller.stop();
  const output = await outputPoller.stop();
  const last = output[output.length - 1];
  if ((last?.msgIn ?? 0) !== o.count) problems.push(`output topic took in ${last?.msgIn ?? 0} messages, expected exactly ${o.count}`);
  const lastIn = input[input.length - 1];
  if (lastIn?.backlog !== 0) problems.push(`input backlog ${lastIn?.backlog ?? '?'} after the run, expected 0 (all acked)`);
  const base = (samples: readonly TopicCounterSample[], v: (s: TopicCounterSample) => number): number => (samples[0] ? v(samples[0]) : 0);
  const dispatched = (s: TopicCounterSample): number => s.msgOut;
  const published = (s: TopicCounterSample): number => s.msgIn;
  return {
    run,
    input,
    output,
    firstDispatchMs: crossingTimeMs(input, dispatched, base(input, dispatched) + 1),
    outputCompleteMs: crossingTimeMs(output, published, base(output, published) + o.count),
    readyMs,
    produced,
    scraped,
    others: { broker: run.others.find((s) => s.target !== 'machine'), machine: run.others.find((s) => s.target === 'machine') },
    problems,
  };
}

function signal(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}
