// Summarises a V8 .cpuprofile (from `node --cpu-prof`) by self time per function.
//   npx tsx bench/lib/cpu-profile-summary.ts <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

/** The parts of the .cpuprofile JSON this reads. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface HotSpot {
  /** `file:function:line` (file relative to the project when it is in it). */
  readonly where: string;
  readonly selfMs: number;
  /** Share of the non-idle sampled time. */
  readonly selfPercent: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly top: readonly HotSpot[];
}

function label(frame: CallFrame, root: string | undefined): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  let file = frame.url;
  if (file.startsWith('file://')) file = fileURLToPath(file);
  if (root && file.startsWith(root)) file = relative(root, file);
  // Bench workers compiled by compile-worker.ts live under node_modules/.cache/strobe-bench/<project path>.
  file = file.replace(/^.*node_modules\/\.cache\/strobe-bench\//, '').replace(/^.*node_modules\//, 'node_modules/');
  return `${file}:${name}:${frame.lineNumber + 1}`;
}

/** Self time per function (samples × their time deltas), largest first; `(idle)` is left out of the percentages. */
export function summarizeProfile(profile: CpuProfile, top = 25, root?: string): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  const selfUs = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number);
    // The delta before a sample is the time it stands for.
    const dt = Math.max(0, profile.timeDeltas[i] ?? 0);
    total += dt;
    if (!node) continue;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const key = label(node.callFrame, root);
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
  }
  const busy = total - idle;
  const hot = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, us]) => ({ where, selfMs: us / 1000, selfPercent: busy > 0 ? (100 * us) / busy : 0 }));
  return { totalMs: total / 1000, idleMs: idle / 1000, top: hot };
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: cpu-profile-summary.ts <file.cpuprofile> [top]\n');
    process.exitCode = 2;
  } else {
    const s = summarizeProfile(readProfile(file), Number(process.argv[3] ?? 25), process.cwd());
    process.stdout.write(`sampled ${s.totalMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms\n`);
    for (const h of s.top) process.stdout.write(`${h.selfPercent.toFixed(1).padStart(5)}%  ${h.selfMs.toFixed(0).padStart(6)} ms  ${h.where}\n`);
  }
}
