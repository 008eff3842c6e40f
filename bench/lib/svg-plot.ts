// Hand-written SVG line charts (no dependency): panels side by side, one polyline per series, axes with ticks and
// a shared legend. Enough for convergence curves in artifacts/.

export interface Series {
  name: string;
  points: [number, number][];
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];
const W = 460;
const H = 320;
const M = { left: 56, right: 16, top: 32, bottom: 44 };

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A tick label with as many decimals as the tick step needs (10.70, 10.72 — not 10.7, 10.7). */
function label(v: number, step: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${(v / 1e3).toPrecision(3)}k`;
  const decimals = step > 0 ? Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (step / 10 ** Math.floor(Math.log10(step)) === 2.5 ? 1 : 0))) : 2;
  return v.toFixed(decimals);
}

function tickStep(ticks: number[]): number {
  return ticks.length > 1 ? ticks[1]! - ticks[0]! : 0;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function panelSvg(panel: Panel, offsetX: number, colorOf: (name: string) => string): string {
  const all = panel.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const x0 = Math.min(0, ...xs);
  const x1 = Math.max(...xs, x0 + 1);
  const yPad = (Math.max(...ys) - Math.min(...ys)) * 0.05 || 0.5;
  const y0 = Math.min(...ys) - yPad;
  const y1 = Math.max(...ys) + yPad;
  const px = (x: number) => offsetX + M.left + ((x - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (y: number) => M.top + (1 - (y - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const parts: string[] = [];
  parts.push(`<text x="${offsetX + W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(panel.title)}</text>`);
  const xTicks = niceTicks(x0, x1);
  for (const t of xTicks) {
    parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${px(t)}" y="${H - M.bottom + 16}" text-anchor="middle">${label(t, tickStep(xTicks))}</text>`);
  }
  const yTicks = niceTicks(y0, y1);
  for (const t of yTicks) {
    parts.push(`<line x1="${offsetX + M.left}" x2="${offsetX + W - M.right}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${offsetX + M.left - 6}" y="${py(t) + 4}" text-anchor="end">${label(t, tickStep(yTicks))}</text>`);
  }
  parts.push(`<rect x="${offsetX + M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>`);
  parts.push(`<text x="${offsetX + W / 2}" y="${H - 8}" text-anchor="middle">${esc(panel.xLabel)}</text>`);
  parts.push(`<text transform="translate(${offsetX + 14},${H / 2}) rotate(-90)" text-anchor="middle">${esc(panel.yLabel)}</text>`);
  for (const s of panel.series) {
    const pts = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${colorOf(s.name)}" stroke-width="2" points="${pts}"/>`);
    for (const [x, y] of s.points) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.5" fill="${colorOf(s.name)}"/>`);
  }
  return parts.join('\n');
}

export function lineChartsSvg(panels: Panel[], caption: string): string {
  const names = [...new Set(panels.flatMap((p) => p.series.map((s) => s.name)))];
  const colorOf = (name: string) => COLORS[names.indexOf(name) % COLORS.length]!;
  const legendY = H + 8;
  const legend = names.map((n, i) => {
    const x = 20 + i * 170;
    return `<line x1="${x}" x2="${x + 24}" y1="${legendY}" y2="${legendY}" stroke="${colorOf(n)}" stroke-width="3"/><text x="${x + 30}" y="${legendY + 4}">${esc(n)}</text>`;
  });
  const width = W * panels.length;
  const height = H + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panels.map((p, i) => panelSvg(p, i * W, colorOf)),
    ...legend,
    `<text x="${width - 8}" y="${height - 6}" text-anchor="end" fill="#666">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
