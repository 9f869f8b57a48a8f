/** Median of the finite values (mean of the middle two for an even count); NaN when there are none. */
export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

/** a ÷ b, NaN when either is missing or b is 0. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/** Messages per second over a window in ms (NaN for an empty or missing window). */
export function ratePerSecond(count: number, startMs: number | undefined, endMs: number | undefined): number {
  if (startMs === undefined || endMs === undefined || endMs <= startMs) return Number.NaN;
  return (count * 1000) / (endMs - startMs);
}
