// Number, byte, loss, speed, duration and "3 s ago" formatting for the pages (DOM-free, unit-tested in Node).

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Decimal units (1 KB = 1000 B), as network traffic and file sizes are usually shown: "0 B", "950 B", "1.2 MB", "50 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  const exponent = Math.max(0, Math.min(Math.floor(Math.log10(bytes) / 3), BYTE_UNITS.length - 1));
  const value = bytes / 1000 ** exponent;
  if (exponent === 0) return `${Math.round(value)} B`;
  // 999.96 KB would round to "1000 KB": show it as the next unit instead.
  if (value >= 999.95 && exponent < BYTE_UNITS.length - 1) return `1 ${BYTE_UNITS[exponent + 1]}`;
  const digits = value < 100 ? value.toFixed(1).replace(/\.0$/, '') : value.toFixed(0);
  return `${digits} ${BYTE_UNITS[exponent]}`;
}

/** Whole numbers with thousands separators: 12345 → "12,345"; not a number → "—". */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

/** Short counts for tight spaces: 950 → "950", 12_345 → "12.3k", 4_200_000 → "4.2M". */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return formatInteger(n);
}

/** A loss with three decimals; null or not finite → "—". */
export function formatLoss(loss: number | null): string {
  return loss === null || !Number.isFinite(loss) ? '—' : loss.toFixed(3);
}

/** Tokens per second with a sensible precision: 0.84 → "0.8", 42.5 → "42.5", 1234.4 → "1,234". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond < 0) return '—';
  return perSecond >= 100 ? formatInteger(perSecond) : perSecond.toFixed(1);
}

/** "1 file", "3 files": a count with its noun, pluralised with an "s". */
export function plural(n: number, noun: string): string {
  return `${formatInteger(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** A share as a whole percentage, clamped to 0..100: (2, 3) → "67%". */
export function formatPercent(done: number, total: number): string {
  if (!(total > 0)) return '0%';
  return `${Math.round(Math.min(1, Math.max(0, done / total)) * 100)}%`;
}

/** "42.0 s", "3 min 5 s"; not a number → "—". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return `${m} min ${s} s`;
}

/** How long ago a moment was: "3 s ago", "5 min ago", "2 h ago", "3 d ago". */
export function formatAgo(nowMs: number, thenMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}
