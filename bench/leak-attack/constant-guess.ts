// The floor any attack must beat to say it learned something from the activations: always guessing the most
// frequent token of the attacker's public text, scored on the volunteer's input positions.
import type { Example } from '@splitlora/core';

export function constantGuessRate(publicTokens: Int32Array, examples: readonly Example[], maxSeqLen: number): number {
  const counts = new Map<number, number>();
  for (const t of publicTokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  let guess = -1;
  let most = 0;
  for (const [token, n] of counts) if (n > most) [guess, most] = [token, n];
  let hits = 0;
  let positions = 0;
  for (const e of examples) {
    const inputs = e.tokens.slice(0, Math.min(e.tokens.length - 1, maxSeqLen));
    positions += inputs.length;
    hits += inputs.filter((t) => t === guess).length;
  }
  return hits / Math.max(1, positions);
}
