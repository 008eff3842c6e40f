// Counts what one training step asks of a tfjs backend: engine kernels (tf.profile's list, which includes kernels
// that move no data such as Reshape, and counts a fused kernel once) and, on WebGPU, the compute dispatches really
// recorded (bench/gpu's counter, which sees the ones a fused kernel makes inside too).
import * as tf from '@tensorflow/tfjs-core';
import { countDispatches } from '../gpu/step-probes.js';

export interface KernelCount {
  engineKernels: number;
  /** null off WebGPU. */
  dispatches: number | null;
  /** Engine kernels by name, most frequent first. */
  byKernel: [string, number][];
}

/** Runs `step` once under tf.profile, counting engine kernels and (on webgpu) dispatches. */
export async function countKernels(step: () => Promise<void>): Promise<KernelCount> {
  const { dispatches, value: info } = await countDispatches(() => tf.profile(step as () => Promise<tf.TensorContainer>));
  const byName = new Map<string, number>();
  for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
  return { engineKernels: info.kernels.length, dispatches, byKernel: [...byName.entries()].sort((a, b) => b[1] - a[1]) };
}
