// The round:turn message of a waiting participant of a sequential round: its place in line and the round's progress.
import type { TurnNotice } from '@splitlora/protocol';
import type { TurnSchedule } from './turn-schedule.js';

/** Null when the round has no turns or `clientId`'s turn is over. */
export function turnNotice(runId: string, turns: TurnSchedule | null, clientId: string): TurnNotice | null {
  const ahead = turns?.aheadOf(clientId) ?? null;
  if (turns === null || ahead === null) return null;
  return { runId, round: turns.round, ahead, turnsDone: turns.turnsDone, turns: turns.order.length };
}
