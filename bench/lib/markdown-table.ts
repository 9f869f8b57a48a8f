/**
 * A GitHub-flavoured markdown table. Alignment: the first `left` columns are left-aligned and the rest
 * right-aligned, or per column when `left` is a list (true = left).
 */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[], left: number | readonly boolean[] = 1): string {
  const isLeft = (i: number): boolean => (typeof left === 'number' ? i < left : (left[i] ?? false));
  const cells = [headers, ...rows].map((r) => headers.map((_, i) => (r[i] ?? '').replace(/\|/g, '\\|')));
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] as string).length)));
  const pad = (s: string, i: number): string => (isLeft(i) ? s.padEnd(widths[i] as number) : s.padStart(widths[i] as number));
  const line = (r: readonly string[]): string => `| ${r.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (isLeft(i) ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const [head, ...body] = cells;
  return [line(head as string[]), rule, ...body.map(line)].join('\n');
}

/** A number with thousands separators and `digits` decimals; '—' for NaN/undefined. */
export function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
