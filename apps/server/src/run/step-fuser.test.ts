// StepFuser: fuses what arrives together, flushes when everyone expected has sent or the window ends, and never
// lets a group cost more than its limit (the rest goes in the next group at once). Also the fused-size limit.
import { gpt2Config } from '@splitlora/core';
import { describe, expect, it } from 'vitest';
import { fusedPositions, MAX_FUSED_POSITIONS, maxFusedPositions } from './fusion-limit.js';
import { StepFuser } from './step-fuser.js';

interface Item {
  id: number;
  batch: number;
  seqLen: number;
}

function recordingFuser(expected: number, maxCost = Number.POSITIVE_INFINITY, windowMs = 20) {
  const groups: number[][] = [];
  const fuser = new StepFuser<Item, string>(async (items) => {
    groups.push(items.map((i) => i.id));
    await new Promise((r) => setTimeout(r, 5));
    return items.map((i) => `done ${i.id}`);
  }, windowMs, () => expected, fusedPositions, maxCost);
  return { fuser, groups };
}

const item = (id: number, batch = 2, seqLen = 8): Item => ({ id, batch, seqLen });

describe('StepFuser', () => {
  it('fuses the steps of every expected client into one group and answers each its own result', async () => {
    const { fuser, groups } = recordingFuser(3);
    const results = await Promise.all([fuser.submit(item(1)), fuser.submit(item(2)), fuser.submit(item(3))]);
    expect(results).toEqual(['done 1', 'done 2', 'done 3']);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it('flushes a partial group when the fusion window ends', async () => {
    const { fuser, groups } = recordingFuser(5, Number.POSITIVE_INFINITY, 30);
    const started = Date.now();
    expect(await Promise.all([fuser.submit(item(1)), fuser.submit(item(2))])).toEqual(['done 1', 'done 2']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(groups).toEqual([[1, 2]]);
  });

  it('splits a group that would cost more than the limit, in arrival order, without waiting a window again', async () => {
    const { fuser, groups } = recordingFuser(5, 40, 10_000); // 2×8 = 16 positions each: two fit, a third does not
    const started = Date.now();
    const results = await Promise.all([1, 2, 3, 4, 5].map((id) => fuser.submit(item(id))));
    expect(results).toEqual([1, 2, 3, 4, 5].map((id) => `done ${id}`));
    expect(groups).toEqual([[1, 2], [3, 4], [5]]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('always lets one step through, even one over the limit', async () => {
    const { fuser, groups } = recordingFuser(2, 10);
    expect(await Promise.all([fuser.submit(item(1, 4, 16)), fuser.submit(item(2))])).toEqual(['done 1', 'done 2']);
    expect(groups).toEqual([[1], [2]]);
  });

  it('fails every waiting step on cancel', async () => {
    const { fuser } = recordingFuser(3);
    const waiting = fuser.submit(item(1));
    fuser.cancel(new Error('the run was closed'));
    await expect(waiting).rejects.toThrow('the run was closed');
  });
});

describe('fused step size limit', () => {
  it('counts padded positions of fused steps', () => {
    expect(fusedPositions([item(1, 2, 8), item(2, 3, 16)])).toBe(5 * 16);
  });

  it('keeps big models to fewer positions than small ones, within the global bound', () => {
    const tiny = maxFusedPositions(gpt2Config('tiny'), 3);
    const gpt2 = maxFusedPositions(gpt2Config('gpt2'), 3);
    const medium = maxFusedPositions(gpt2Config('gpt2-medium'), 3);
    expect(tiny).toBeLessThanOrEqual(MAX_FUSED_POSITIONS);
    expect(gpt2).toBeLessThan(tiny);
    expect(medium).toBeLessThan(gpt2);
  });
});
