// Number, byte, duration and "3 s ago" formatting shared by the views.

export function formatAgo(nowMs: number, thenMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Decimal units (1 KB = 1000 B), as network traffic is usually reported. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  const exponent = Math.max(0, Math.min(Math.floor(Math.log10(bytes) / 3), BYTE_UNITS.length - 1));
  const value = bytes / 1000 ** exponent;
  return `${exponent === 0 ? Math.round(value) : value.toFixed(value < 10 ? 1 : 0)} ${BYTE_UNITS[exponent] ?? 'B'}`;
}

/** 950 → "950", 12_345 → "12.3k", 4_200_000 → "4.2M". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

export function formatLoss(loss: number | null): string {
  return loss === null || !Number.isFinite(loss) ? '—' : loss.toFixed(3);
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return `${m} min ${s} s`;
}

/** Tokens per second with a sensible precision: 0.8, 42.5, 1234. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '—';
  return perSecond >= 100 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}
