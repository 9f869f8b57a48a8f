/**
 * A small hand-written SVG chart of horizontal grouped bars, stacked in panels: no charting package, and
 * the file diffs and renders on GitHub like any other result.
 */

export interface Bar {
  /** Which series (colour, legend entry) the bar belongs to. */
  readonly series: string;
  /** NaN or undefined draws no bar, only `note` (e.g. "not run"). */
  readonly value: number | undefined;
  /** Text after the bar; defaults to the value. */
  readonly note?: string;
}

export interface BarGroup {
  readonly label: string;
  readonly bars: readonly Bar[];
}

export interface BarPanel {
  readonly title: string;
  readonly groups: readonly BarGroup[];
  /** log suits values spanning orders of magnitude (latencies). @default 'linear' */
  readonly scale?: 'linear' | 'log';
  /** Formats a value for its label. */
  readonly format?: (v: number) => string;
}

/** Layout in pixels: label column, bar area, bar height, gap between groups, panel title. */
const L = { width: 960, label: 200, area: 600, bar: 16, gap: 10, title: 30 } as const;
const PALETTE = ['#3b6fb6', '#e08a2c', '#5a9e4b', '#b5475a', '#7c62b0', '#8a8a8a'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function seriesOf(panels: readonly BarPanel[]): string[] {
  const seen: string[] = [];
  for (const p of panels) for (const g of p.groups) for (const b of g.bars) if (!seen.includes(b.series)) seen.push(b.series);
  return seen;
}

function extent(p: BarPanel): { max: number; min: number } {
  const values = p.groups.flatMap((g) => g.bars.map((b) => b.value ?? Number.NaN)).filter((v) => Number.isFinite(v) && v > 0);
  return { max: Math.max(1e-9, ...values), min: Math.min(...values, Number.POSITIVE_INFINITY) };
}

/** Pixel length of a bar for `v` on the panel's axis. */
function lengthOf(p: BarPanel, v: number): number {
  const { max, min } = extent(p);
  if (p.scale === 'log') {
    // One decade below the smallest value is the axis origin, so the smallest bar is still visible.
    const lo = Math.log10(Math.max(1e-9, min) / 10);
    const hi = Math.log10(max);
    return hi > lo ? (L.area * (Math.log10(Math.max(v, 1e-9)) - lo)) / (hi - lo) : L.area;
  }
  return (L.area * v) / max;
}

/** The SVG document: a title, a legend of the series, then each panel's groups of bars. */
export function barChartSvg(title: string, panels: readonly BarPanel[], subtitle?: string): string {
  const series = seriesOf(panels);
  const colour = (s: string): string => PALETTE[series.indexOf(s) % PALETTE.length] as string;
  const body: string[] = [];
  let y = subtitle === undefined ? 40 : 58;
  // Legend.
  let x = L.label;
  for (const s of series) {
    body.push(`<rect x="${x}" y="${y - 11}" width="12" height="12" fill="${colour(s)}"/>`);
    body.push(`<text x="${x + 16}" y="${y}" class="small">${esc(s)}</text>`);
    x += 24 + s.length * 7;
  }
  y += 16;
  for (const p of panels) {
    const fmt = p.format ?? ((v: number) => v.toPrecision(3));
    y += L.title;
    body.push(`<text x="10" y="${y - 8}" class="panel">${esc(p.title)}${p.scale === 'log' ? ' (log scale)' : ''}</text>`);
    for (const g of p.groups) {
      const h = g.bars.length * L.bar;
      body.push(`<text x="${L.label - 8}" y="${y + h / 2 + 4}" text-anchor="end">${esc(g.label)}</text>`);
      for (const b of g.bars) {
        const ok = b.value !== undefined && Number.isFinite(b.value) && b.value > 0;
        const w = ok ? Math.max(1, lengthOf(p, b.value)) : 0;
        if (ok) body.push(`<rect x="${L.label}" y="${y + 1}" width="${w.toFixed(1)}" height="${L.bar - 3}" fill="${colour(b.series)}"/>`);
        const text = b.note ?? (ok ? fmt(b.value) : '—');
        body.push(`<text x="${(L.label + w + 5).toFixed(1)}" y="${y + L.bar - 4}" class="small">${esc(text)}</text>`);
        y += L.bar;
      }
      y += L.gap;
    }
    body.push(`<line x1="${L.label}" y1="${y - L.gap}" x2="${L.label}" y2="${y - L.gap - p.groups.reduce((n, g) => n + g.bars.length * L.bar + L.gap, 0)}" stroke="#444"/>`);
  }
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${height}" viewBox="0 0 ${L.width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
    '<style>.small { font-size: 11px; fill: #333; } .panel { font-weight: bold; } .title { font-size: 16px; font-weight: bold; }</style>',
    `<rect width="${L.width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="22" class="title">${esc(title)}</text>`,
    ...(subtitle === undefined ? [] : [`<text x="10" y="40" class="small">${esc(subtitle)}</text>`]),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
