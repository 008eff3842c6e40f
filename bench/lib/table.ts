// Renders a benchmark table as Markdown (aligned columns), so it reads in a terminal and pastes into the docs.
import type { Cell, Table } from './report.js';

function show(cell: Cell): string {
  if (cell === null) return '—';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return String(cell);
    if (Number.isInteger(cell)) return String(cell);
    const abs = Math.abs(cell);
    return abs >= 100 ? cell.toFixed(0) : abs >= 10 ? cell.toFixed(1) : abs >= 1 ? cell.toFixed(2) : cell.toPrecision(3);
  }
  return cell;
}

export function renderTable(table: Table): string {
  const cells = table.rows.map((row) => row.map(show));
  const widths = table.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (items: string[]) => `| ${items.map((s, i) => s.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [`### ${table.title}`, '', line(table.columns), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)];
  if (table.notes !== undefined && table.notes.length > 0) out.push('', ...table.notes.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}
