// Test helper for fused kernels: runs one function with its fused-kernel flag on and off, on a chosen backend,
// and returns its value and the vector–Jacobian products with a fixed random upstream gradient, on the host.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { type BackendFlagName, withBackendFlags } from '../backend/backend-flags.js';
import { createRng, normalSamples } from '../data/rng.js';
import { useBackend } from './backend.js';
import { relativeDiff } from './fixtures.js';

export interface HostInput {
  shape: number[];
  data: Float32Array | Int32Array;
  /** Whether the gradient w.r.t. this input is compared (int32 inputs never are). */
  differentiable?: boolean;
}

export interface Outcome {
  value: Float32Array;
  grads: Float32Array[];
  /** Names of the kernels the forward and backward ran (tf.profile), to check which path a flag chose. */
  kernels: Set<string>;
}

export function randomInput(shape: number[], seed: number, scale = 1): HostInput {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: normalSamples(createRng(seed), size, scale), differentiable: true };
}

/**
 * f(...inputs) on `backend` with `flags` set: its value and Σ dy·∂f/∂x for every differentiable input, with dy
 * drawn from `seed`. Checks that nothing is left behind.
 */
export async function runCase(
  backend: 'cpu' | 'webgpu', flags: Partial<Record<BackendFlagName, boolean>>, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: HostInput[], seed = 99,
): Promise<Outcome> {
  await useBackend(backend);
  return withBackendFlags(flags, async () => {
    const before = tf.memory().numTensors;
    const tensors = inputs.map((i) => tf.tensor(i.data, i.shape, i.data instanceof Int32Array ? 'int32' : 'float32'));
    const wrt = inputs.map((i, k) => [i, k] as const).filter(([i]) => i.differentiable !== false).map(([, k]) => k);
    const made: { value?: tf.Tensor; dy?: tf.Tensor; grads: tf.Tensor[] } = { grads: [] };
    const profile = await tf.profile(() => {
      const value = tf.tidy(() => f(...tensors));
      const dy = tf.tensor(normalSamples(createRng(seed), value.size, 1), value.shape);
      Object.assign(made, { value, dy });
      if (wrt.length > 0) {
        made.grads = tf.grads((...xs: tf.Tensor[]) => {
          const all = tensors.slice();
          wrt.forEach((k, j) => (all[k] = xs[j]!));
          return f(...all);
        })(wrt.map((k) => tensors[k]!), dy);
      }
    });
    const outcome = {
      value: (await made.value!.data()) as Float32Array,
      grads: (await Promise.all(made.grads.map((g) => g.data()))) as Float32Array[],
      kernels: new Set(profile.kernels.map((k) => k.name)),
    };
    tf.dispose([made.value!, made.dy!, ...made.grads, ...tensors]);
    if (tf.memory().numTensors !== before) throw new Error(`the case left ${tf.memory().numTensors - before} tensors behind`);
    return outcome;
  });
}

/** The worst relative difference (max |a − b| / max |b|) over the value and every gradient. */
export function worstRelative(a: Outcome, b: Outcome): { value: number; grads: number[] } {
  return { value: relativeDiff(a.value, b.value), grads: a.grads.map((g, i) => relativeDiff(g, b.grads[i]!)) };
}

/**
 * Runs f with `flag` on (webgpu, where `kernel` must run), off (webgpu) and off on cpu; expects the fused value and
 * gradients within `tolerance` (relative to the largest magnitude) of both unfused runs and prints the differences.
 */
export async function expectFusedMatchesUnfused(
  label: string, flag: BackendFlagName, kernel: string, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: HostInput[], tolerance = 1e-5,
): Promise<void> {
  const fused = await runCase('webgpu', { [flag]: true }, f, inputs);
  const unfused = await runCase('webgpu', { [flag]: false }, f, inputs);
  const cpu = await runCase('cpu', { [flag]: false }, f, inputs);
  expect(fused.kernels.has(kernel), `${kernel} ran with ${flag} on`).toBe(true);
  expect(unfused.kernels.has(kernel), `${kernel} did not run with ${flag} off`).toBe(false);
  const vsWebGpu = worstRelative(fused, unfused);
  const vsCpu = worstRelative(fused, cpu);
  const show = (d: { value: number; grads: number[] }) => `value ${d.value.toExponential(1)}, grads [${d.grads.map((g) => g.toExponential(1)).join(', ')}]`;
  console.log(`${label}: fused vs webgpu ops ${show(vsWebGpu)}; vs cpu ops ${show(vsCpu)}`);
  for (const d of [vsWebGpu, vsCpu]) {
    expect(d.value, `${label} value`).toBeLessThanOrEqual(tolerance);
    d.grads.forEach((g, i) => expect(g, `${label} gradient ${i}`).toBeLessThanOrEqual(tolerance));
  }
}
