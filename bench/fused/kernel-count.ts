// Counts what one training step asks of a tfjs backend: engine kernels (tf.profile's list, which includes kernels
// that move no data such as Reshape, and counts a fused kernel once) and, on WebGPU, the compute dispatches really
// recorded (every runWebGPUProgram call, including the ones a fused kernel makes inside).
import * as tf from '@tensorflow/tfjs-core';

export interface KernelCount {
  engineKernels: number;
  /** null off WebGPU. */
  dispatches: number | null;
  /** Engine kernels by name, most frequent first. */
  byKernel: [string, number][];
}

type ProgramRunner = { runWebGPUProgram?: (...args: unknown[]) => unknown };

/** Runs `step` once under tf.profile, counting engine kernels and (on webgpu) dispatches. */
export async function countKernels(step: () => Promise<void>): Promise<KernelCount> {
  const backend = tf.backend() as ProgramRunner;
  const original = backend.runWebGPUProgram;
  const ownProperty = Object.prototype.hasOwnProperty.call(backend, 'runWebGPUProgram');
  let dispatches = 0;
  if (original !== undefined) {
    backend.runWebGPUProgram = function counted(this: unknown, ...args: unknown[]) {
      dispatches++;
      return original.apply(this, args);
    };
  }
  try {
    const info = await tf.profile(step);
    const byName = new Map<string, number>();
    for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
    return {
      engineKernels: info.kernels.length,
      dispatches: original === undefined ? null : dispatches,
      byKernel: [...byName.entries()].sort((a, b) => b[1] - a[1]),
    };
  } finally {
    if (ownProperty) backend.runWebGPUProgram = original;
    else delete backend.runWebGPUProgram; // the prototype's method again
  }
}
