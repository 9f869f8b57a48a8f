// Where a Strobe worker's JavaScript time goes, by stage of the scoring path, from a V8 CPU profile.
import { summarizeProfile, type CpuProfile, type HotSpot } from '../lib/cpu-profile-summary.js';

export const STAGES = ['protocol (consume)', 'producer', 'avro', 'features', 'batching + runner', 'inference (JS side)', 'metrics + logging', 'gc', 'node runtime', 'other'] as const;
export type Stage = (typeof STAGES)[number];

/** Which stage a `file:function:line` label belongs to (first match wins). */
const RULES: readonly (readonly [RegExp, Stage])[] = [
  [/^src\/client\/(producer|batch-container|message-router|partitioned-producer|semaphore)\.|^src\/wire\/batch\.[jt]s:encode/, 'producer'],
  [/^src\/(wire|client)\/|protobufjs|@node-rs\/crc32/, 'protocol (consume)'],
  [/^src\/schema\/|node_modules\/avsc/, 'avro'],
  [/^src\/features\//, 'features'],
  [/^src\/pipeline\//, 'batching + runner'],
  [/^src\/inference\/|onnxruntime/, 'inference (JS side)'],
  [/^src\/metrics\/|prom-client|pino|sonic-boom/, 'metrics + logging'],
  [/\(garbage collector\)/, 'gc'],
  [/^node:|^\(program\)|^\(anonymous\)$|^[a-zA-Z]+$/, 'node runtime'],
];

export function stageOf(where: string): Stage {
  for (const [re, stage] of RULES) if (re.test(where)) return stage;
  return 'other';
}

export interface ProfileBreakdown {
  /** Sampled time minus idle. */
  readonly busyMs: number;
  /** Self time per stage and its share of the busy time, largest first; stages without samples left out. */
  readonly stages: readonly { readonly stage: Stage; readonly selfMs: number; readonly percent: number }[];
  readonly top: readonly HotSpot[];
}

/** Self time per stage (all functions, not just the top ones) and the top functions themselves. */
export function profileBreakdown(profile: CpuProfile, root: string, top = 20): ProfileBreakdown {
  const all = summarizeProfile(profile, Number.MAX_SAFE_INTEGER, root);
  const busyMs = all.totalMs - all.idleMs;
  const byStage = new Map<Stage, number>();
  for (const h of all.top) byStage.set(stageOf(h.where), (byStage.get(stageOf(h.where)) ?? 0) + h.selfMs);
  const stages = STAGES.map((stage) => ({ stage, selfMs: byStage.get(stage) ?? 0, percent: busyMs > 0 ? (100 * (byStage.get(stage) ?? 0)) / busyMs : 0 }))
    .filter((s) => s.selfMs > 0)
    .sort((a, b) => b.selfMs - a.selfMs);
  return { busyMs, stages, top: all.top.slice(0, top) };
}
