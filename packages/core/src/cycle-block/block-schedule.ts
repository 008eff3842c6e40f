// FedCyBGD's block schedules: which block each participant of a round trains with full parameters. `rotate` gives
// participant v of round r block (v + r) mod K (r counted from 0), so K or more participants train every block once
// per round; `ascending` gives everyone block r mod K; `random` draws each participant's block from the run's seed.
import type { BlockSchedule } from '@splitlora/protocol';
import { createRng, mixSeed } from '../data/rng.js';
import { fail } from '../errors.js';

export interface ScheduleRound {
  /** 1-based round number. */
  round: number;
  /** The round's participants in the round machine's order (their position is v). */
  participants: readonly string[];
  /** Number of blocks in the cycle (K). */
  blocks: number;
  seed: number;
}

/** The block each participant trains this round. */
export function scheduleBlocks(schedule: BlockSchedule, r: ScheduleRound): Map<string, number> {
  if (!Number.isInteger(r.blocks) || r.blocks < 1) fail('config', `a block schedule needs at least one block, found ${r.blocks}`);
  const step = r.round - 1;
  const out = new Map<string, number>();
  r.participants.forEach((id, v) => {
    switch (schedule) {
      case 'rotate':
        out.set(id, (v + step) % r.blocks);
        break;
      case 'ascending':
        out.set(id, step % r.blocks);
        break;
      case 'random':
        out.set(id, Math.floor(createRng(mixSeed(r.seed, r.round, v))() * r.blocks));
        break;
    }
  });
  return out;
}
