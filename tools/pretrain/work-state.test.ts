// The resumable state: what is saved comes back, and only the newest save's folder is kept.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkState, saveWorkState, type WorkState } from './work-state.js';

const t = (values: number[]) => ({ shape: [values.length], data: Float32Array.from(values) });

describe('pretraining work state', () => {
  it('round-trips parameters, moments and progress, keeping one step folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pretrain-state-'));
    expect(await loadWorkState(dir)).toBeNull();
    const state = (step: number): WorkState => ({
      params: { a: t([step, 2]), b: t([3]) },
      optimizer: { steps: step, decayed: { steps: step, m: { a: t([0.1, 0.2]) }, v: { a: t([0.3, 0.4]) } }, undecayed: { steps: step, m: { b: t([0.5]) }, v: { b: t([0.6]) } } },
      progress: { step, seconds: 12.5, curve: [{ step, lr: 1e-3, trainLoss: 9, heldOutLoss: 9.5 }], settings: { seed: 1 } },
    });
    await saveWorkState(dir, state(25));
    await saveWorkState(dir, state(50));
    expect(await loadWorkState(dir)).toEqual(state(50));
    expect(readdirSync(dir).sort()).toEqual(['latest.json', 'step-50']);
  });
});
