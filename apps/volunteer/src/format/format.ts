// The shared formatting helpers (bytes, counts, losses, rates, durations), as this page uses them.
export * from '@splitlora/web-kit/format';
