// Colours of the charts: one per client (thin lines), a strong one for means and totals.

export const COLORS = {
  mean: '#312e81',
  eval: '#4f46e5',
  train: '#0ea5e9',
  perplexity: '#d97706',
  throughput: '#10b981',
  up: '#6366f1',
  down: '#f59e0b',
} as const;

const CLIENT_COLORS = ['#60a5fa', '#f472b6', '#34d399', '#fbbf24', '#a78bfa', '#f87171', '#2dd4bf', '#fb923c', '#94a3b8', '#c084fc'];

export function clientColor(index: number): string {
  return CLIENT_COLORS[index % CLIENT_COLORS.length] ?? '#94a3b8';
}

/** `#rrggbb` with an alpha channel. */
export function withAlpha(hex: string, alpha: number): string {
  return `${hex}${Math.round(alpha * 255).toString(16).padStart(2, '0')}`;
}
