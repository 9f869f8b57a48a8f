/**
 * Reads values out of Prometheus text exposition (what a Strobe worker serves on /metrics), so a benchmark
 * can take a worker's own figures (batch fill, batch size) without importing its registry.
 */

/** One sample line: `name{label="v",...} value`. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePromText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of the samples named `name` whose labels include `where` (0 when none match). */
export function promSum(samples: readonly PromSample[], name: string, where: Readonly<Record<string, string>> = {}): number {
  let sum = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(where).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

/** Mean of a histogram (`<name>_sum / <name>_count`), NaN when it has no observations. */
export function promHistogramMean(samples: readonly PromSample[], name: string, where: Readonly<Record<string, string>> = {}): number {
  const count = promSum(samples, `${name}_count`, where);
  return count > 0 ? promSum(samples, `${name}_sum`, where) / count : Number.NaN;
}
