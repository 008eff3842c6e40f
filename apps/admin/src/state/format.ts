// The shared formatting helpers (bytes, counts, losses, rates, durations), as the dashboard uses them.
export { formatAgo, formatBytes, formatCompact as formatCount, formatLoss, formatRate, formatSeconds } from '@splitlora/web-kit/format';
