// The fused AdamW update on WebGPU equals the unfused ops (on WebGPU and on cpu): parameters and both moments after
// three steps with weight decay and changing learning rates, for a tensor that does not fill a workgroup and one
// that spans several; nothing is left behind.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type BackendFlagName, withBackendFlags } from '../backend/backend-flags.js';
import { createRng, normalSamples } from '../data/rng.js';
import { ownedVariable } from '../tensors/owned-variable.js';
import { AdamW } from '../train/adamw.js';
import { type TestBackend, useBackend } from '../test-support/backend.js';
import { relativeDiff } from '../test-support/fixtures.js';
import { FUSED_ADAMW } from './adamw-webgpu.js';

const SHAPES: Record<string, number[]> = { 'lora_A': [3, 7], 'lora_B': [130, 4] };

/** Three AdamW steps from fixed values; returns every parameter and moment, and whether the fused kernel ran. */
async function threeSteps(backend: TestBackend, fused: boolean) {
  await useBackend(backend);
  return withBackendFlags({ FUSED_ADAMW: fused } as Partial<Record<BackendFlagName, boolean>>, async () => {
    const before = tf.memory().numTensors;
    const sample = (shape: number[], seed: number, std: number) => tf.tensor(normalSamples(createRng(seed), shape[0]! * shape[1]!, std), shape);
    const params = Object.fromEntries(Object.entries(SHAPES).map(([name, shape], k) => [name, ownedVariable(sample(shape, 3 + k, 1), true)]));
    const optimizer = new AdamW({ beta1: 0.9, beta2: 0.999, epsilon: 1e-6, weightDecay: 0.01 });
    let ran = false;
    for (const [i, lr] of [2e-3, 1e-3, 5e-4].entries()) {
      const grads = Object.fromEntries(Object.entries(SHAPES).map(([name, shape]) => [name, sample(shape, 10 + i, 0.1)]));
      const profile = await tf.profile(() => optimizer.apply(params, grads, lr));
      ran ||= profile.kernels.some((k) => k.name === FUSED_ADAMW);
      tf.dispose(Object.values(grads));
    }
    const state = await optimizer.exportState();
    const read = async ([name, p]: [string, tf.Variable]) => [name, (await p.data()) as Float32Array] as const;
    const values = Object.fromEntries(await Promise.all(Object.entries(params).map(read)));
    optimizer.dispose();
    tf.dispose(Object.values(params));
    expect(tf.memory().numTensors).toBe(before);
    return { values, state, ran };
  });
}

describe('fused AdamW (webgpu)', () => {
  it('equals the unfused ops over three steps', async () => {
    const fused = await threeSteps('webgpu', true);
    const unfused = await threeSteps('webgpu', false);
    const cpu = await threeSteps('cpu', false);
    expect(fused.ran).toBe(true);
    expect(unfused.ran).toBe(false);
    for (const reference of [unfused, cpu]) {
      for (const name of Object.keys(SHAPES)) {
        const diffs = [
          relativeDiff(fused.values[name]!, reference.values[name]!),
          relativeDiff(fused.state.m[name]!.data, reference.state.m[name]!.data),
          relativeDiff(fused.state.v[name]!.data, reference.state.v[name]!.data),
        ];
        console.log(`AdamW ${name}: relative Δ parameter ${diffs[0]!.toExponential(1)}, m ${diffs[1]!.toExponential(1)}, v ${diffs[2]!.toExponential(1)}`);
        for (const d of diffs) expect(d).toBeLessThanOrEqual(1e-6);
      }
    }
  });
});
