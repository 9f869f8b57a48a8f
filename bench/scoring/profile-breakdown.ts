// Where a Strobe worker's JavaScript time goes, by stage of the scoring path, from a V8 CPU profile.
// A sample counts for the stage of the nearest caller that belongs to one: a socket write issued by the
// producer counts as producer time, Avro decoding called by the runner as Avro time.
import { summarizeProfile, type CpuProfile, type HotSpot } from '../lib/cpu-profile-summary.js';

export const STAGES = ['protocol (consume)', 'producer', 'avro', 'features', 'batching + runner', 'inference (JS side)', 'metrics + logging', 'gc', 'node runtime'] as const;
export type Stage = (typeof STAGES)[number];

/** Frames that decide a stage (first match wins). */
const DECIDING: readonly (readonly [RegExp, Stage])[] = [
  [/\/(?:src|dist)\/client\/(producer|batch-container|message-router|partitioned-producer|semaphore)\.[jt]s/, 'producer'],
  [/\/(?:src|dist)\/client\//, 'protocol (consume)'],
  [/\/(?:src|dist)\/schema\/|\/node_modules\/avsc\//, 'avro'],
  [/\/(?:src|dist)\/features\//, 'features'],
  [/\/(?:src|dist)\/inference\/|\/node_modules\/onnxruntime/, 'inference (JS side)'],
  [/\/(?:src|dist)\/metrics\/|\/node_modules\/(prom-client|pino|sonic-boom)\//, 'metrics + logging'],
  [/\/(?:src|dist)\/pipeline\//, 'batching + runner'],
];

/** Transport frames: they serve whoever called them; alone (a socket read and its frame decoding) they are the consumer's protocol work. */
const TRANSPORT = /\/(?:src|dist)\/client\/connection\.[jt]s|\/(?:src|dist)\/wire\/|\/node_modules\/(protobufjs|@node-rs\/crc32)\//;

interface Frame {
  readonly functionName: string;
  readonly url: string;
}

interface TreeNode {
  readonly id: number;
  readonly callFrame: Frame;
  readonly children?: readonly number[];
}

/** The stage of a call stack given leaf first. */
export function stageOfStack(stack: readonly Frame[]): Stage {
  let transport = false;
  for (const f of stack) {
    if (f.functionName === '(garbage collector)') return 'gc';
    if (TRANSPORT.test(f.url)) {
      transport = true;
      continue;
    }
    for (const [re, stage] of DECIDING) if (re.test(f.url)) return stage;
  }
  return transport ? 'protocol (consume)' : 'node runtime';
}

export interface ProfileBreakdown {
  /** Sampled time minus idle. */
  readonly busyMs: number;
  /** Time per stage (samples attributed through their call stacks) and its share of the busy time, largest first. */
  readonly stages: readonly { readonly stage: Stage; readonly ms: number; readonly percent: number }[];
  /** Functions by self time. */
  readonly top: readonly HotSpot[];
}

export function profileBreakdown(profile: CpuProfile, root: string, top = 20): ProfileBreakdown {
  const nodes = profile.nodes as readonly TreeNode[];
  const byId = new Map<number, TreeNode>();
  const parent = new Map<number, number>();
  for (const n of nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const stageOfNode = new Map<number, Stage>();
  const stageOf = (id: number): Stage => {
    let s = stageOfNode.get(id);
    if (s === undefined) {
      const stack: Frame[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const n = byId.get(at);
        if (n) stack.push(n.callFrame);
      }
      s = stageOfStack(stack);
      stageOfNode.set(id, s);
    }
    return s;
  };
  const ms = new Map<Stage, number>();
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    const dt = Math.max(0, profile.timeDeltas[i] ?? 0);
    busyUs += dt;
    const s = stageOf(id);
    ms.set(s, (ms.get(s) ?? 0) + dt / 1000);
  }
  const busyMs = busyUs / 1000;
  const stages = STAGES.map((stage) => ({ stage, ms: ms.get(stage) ?? 0, percent: busyMs > 0 ? (100 * (ms.get(stage) ?? 0)) / busyMs : 0 }))
    .filter((s) => s.ms > 0)
    .sort((a, b) => b.ms - a.ms);
  return { busyMs, stages, top: summarizeProfile(profile, top, root).top };
}
