// Block schedules and download plans: rotate covers every block once per round with ≥ K participants, random is
// reproducible from its seed, and a volunteer downloads only what it lacks — its trained block always current.
import { describe, expect, it } from 'vitest';
import { createRng } from '../data/rng.js';
import { scheduleBlocks } from './block-schedule.js';
import { planDownloads } from './download-plan.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);

describe('scheduleBlocks', () => {
  it('rotate: with K or more participants every block is trained in every round, and each volunteer moves on by one', () => {
    for (const [participants, K] of [[4, 4], [6, 4], [12, 12]] as const) {
      for (let round = 1; round <= 5; round++) {
        const blocks = scheduleBlocks('rotate', { round, participants: ids(participants), blocks: K, seed: 0 });
        expect(new Set(blocks.values()).size).toBe(K);
        const next = scheduleBlocks('rotate', { round: round + 1, participants: ids(participants), blocks: K, seed: 0 });
        for (const id of ids(participants)) expect(next.get(id)).toBe((blocks.get(id)! + 1) % K);
      }
    }
  });

  it('ascending: every participant trains block (r − 1) mod K', () => {
    const blocks = scheduleBlocks('ascending', { round: 7, participants: ids(3), blocks: 4, seed: 0 });
    expect([...blocks.values()]).toEqual([2, 2, 2]);
  });

  it('random: the same seed gives the same blocks, another seed other ones, all in range', () => {
    const draw = (seed: number, round: number) => [...scheduleBlocks('random', { round, participants: ids(8), blocks: 6, seed }).values()];
    expect(draw(42, 3)).toEqual(draw(42, 3));
    const many = [1, 2, 3, 4].map((r) => draw(42, r)).flat();
    expect(many.every((b) => Number.isInteger(b) && b >= 0 && b < 6)).toBe(true);
    expect(new Set(many).size).toBeGreaterThan(1);
    expect([1, 2, 3, 4].map((r) => draw(43, r)).flat()).not.toEqual(many);
  });

  it('refuses a cycle without blocks', () => {
    expect(() => scheduleBlocks('rotate', { round: 1, participants: ids(2), blocks: 0, seed: 0 })).toThrow(/at least one block/);
  });
});

describe('planDownloads', () => {
  const latest = [3, 1, 2, 0, 5];
  it('sends every lacking block with fraction 1, never a current one', () => {
    expect(planDownloads([3, 0, 0, 0, 1], latest, 0, { fraction: 1, pick: 'random', rng: createRng(1) })).toEqual([1, 2, 4]);
  });

  it('always sends the trained block when it is not current, on top of the fraction', () => {
    for (const pick of ['random', 'stalest'] as const) {
      for (let seed = 0; seed < 10; seed++) {
        const sent = planDownloads([0, 0, 0, 0, 0], latest, 1, { fraction: 0.25, pick, rng: createRng(seed) });
        expect(sent).toContain(1);
        expect(sent.length).toBe(1 + Math.ceil(0.25 * 3)); // blocks 0, 2, 4 lack; block 3 is current at version 0
      }
    }
  });

  it('stalest: the blocks furthest behind first; random: reproducible from the rng seed', () => {
    expect(planDownloads([0, 0, 0, 0, 0], latest, 3, { fraction: 0.5, pick: 'stalest', rng: createRng(0) })).toEqual([0, 4]);
    const a = planDownloads([0, 0, 0, 0, 0], latest, 3, { fraction: 0.5, pick: 'random', rng: createRng(9) });
    expect(planDownloads([0, 0, 0, 0, 0], latest, 3, { fraction: 0.5, pick: 'random', rng: createRng(9) })).toEqual(a);
  });
});
