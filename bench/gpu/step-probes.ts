// Instruments a training step without changing it: host time (wall time minus the time spent waiting in
// Tensor.data() for the device), tfjs kernels and their GPU time (tf.profile; GPU timestamps when the WebGPU adapter
// has them), and the compute passes the WebGPU backend dispatched.
import * as tf from '@tensorflow/tfjs-core';

export interface StepTimes {
  wallMs: number;
  /** Wall time minus the time awaiting reads from the device: JavaScript recording kernels, codecs, copies. */
  hostMs: number;
}

export async function timeHostAndWall(step: () => Promise<void>): Promise<StepTimes> {
  const proto = tf.Tensor.prototype as unknown as { data: (...args: unknown[]) => Promise<unknown> };
  const original = proto.data;
  let waiting = 0;
  proto.data = async function timedData(this: tf.Tensor, ...args: unknown[]) {
    const t0 = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      waiting += performance.now() - t0;
    }
  };
  const t0 = performance.now();
  try {
    await step();
  } finally {
    proto.data = original;
  }
  const wallMs = performance.now() - t0;
  return { wallMs, hostMs: wallMs - waiting };
}

export interface KernelProfile {
  /** tfjs kernels run by the step (what tf.profile lists). */
  kernels: number;
  /** Sum of the kernels' GPU times; null when the backend has no GPU timestamps (then times are host times). */
  gpuKernelMs: number | null;
  /** The kernels with the most time, by name: count and ms (GPU ms when timestamps exist). */
  top: { name: string; count: number; ms: number }[];
  /** The most frequent kernels, by name: where fusing would cut the count. */
  mostFrequent: { name: string; count: number }[];
}

export function hasGpuTimestamps(): boolean {
  return tf.getBackend() === 'webgpu' && (tf.backend() as unknown as { supportTimestampQuery?: boolean }).supportTimestampQuery === true;
}

export async function profileStep(step: () => Promise<void>): Promise<KernelProfile> {
  const info = await tf.profile(step as () => Promise<tf.TensorContainer>);
  const byName = new Map<string, { count: number; ms: number }>();
  let total = 0;
  for (const kernel of info.kernels) {
    const ms = Number(kernel.kernelTimeMs) || 0;
    total += ms;
    const entry = byName.get(kernel.name) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += ms;
    byName.set(kernel.name, entry);
  }
  const all = [...byName.entries()].map(([name, e]) => ({ name, count: e.count, ms: Math.round(e.ms * 10) / 10 }));
  const top = [...all].sort((a, b) => b.ms - a.ms).slice(0, 8);
  const mostFrequent = [...all].sort((a, b) => b.count - a.count).slice(0, 8).map(({ name, count }) => ({ name, count }));
  return { kernels: info.kernels.length, gpuKernelMs: hasGpuTimestamps() ? total : null, top, mostFrequent };
}

/** Runs `step`, counting the compute passes the WebGPU backend dispatches meanwhile (null on other backends). */
export async function countDispatches<T>(step: () => Promise<T>): Promise<{ dispatches: number | null; value: T }> {
  if (tf.getBackend() !== 'webgpu') return { dispatches: null, value: await step() };
  const backend = tf.backend() as unknown as Record<string, unknown>;
  const original = backend['runWebGPUProgram'] as (...args: unknown[]) => unknown;
  let count = 0;
  backend['runWebGPUProgram'] = function counted(this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  try {
    const value = await step();
    return { dispatches: count, value };
  } finally {
    delete backend['runWebGPUProgram']; // the prototype's method shows again
  }
}
