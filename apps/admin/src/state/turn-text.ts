// Sequential split learning on the dashboard: whose turn of the round is running, in one line (null for other methods).
import type { RunSnapshot } from '@splitlora/protocol';

export function turnText(run: RunSnapshot): string | null {
  const t = run.turn;
  if (t === undefined || t === null) return null;
  const skipped = t.skipped.length > 0 ? `, ${t.skipped.length} skipped` : '';
  if (t.current === null) return `all ${t.order.length} turns of round ${t.round} done${skipped}`;
  return `${t.current} — turn ${t.turnsDone + 1} of ${t.order.length}${skipped}`;
}
