// Named tensor tables (parameters, adapters, gradients) and host-side arrays that travel or get saved.
import * as tf from '@tensorflow/tfjs-core';

/** A flat table of tensors keyed by Hugging Face / PEFT names. */
export type NamedTensors = Record<string, tf.Tensor>;

/** A tensor's values on the host: what safetensors files and wire frames carry. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export type NamedHostTensors = Record<string, HostTensor>;

export function disposeNamed(table: NamedTensors): void {
  for (const t of Object.values(table)) t.dispose();
}

export function namedToTensors(table: NamedHostTensors): NamedTensors {
  const out: NamedTensors = {};
  for (const [name, host] of Object.entries(table)) out[name] = tf.tensor(host.data, host.shape, 'float32');
  return out;
}

/** Reads tensors back to the host with `data()` (async, so it does not block a browser's main thread). */
export async function tensorsToHost(table: NamedTensors): Promise<NamedHostTensors> {
  const names = Object.keys(table);
  const arrays = await Promise.all(names.map((n) => table[n]!.data()));
  const out: NamedHostTensors = {};
  names.forEach((name, i) => {
    out[name] = { shape: [...table[name]!.shape], data: Float32Array.from(arrays[i] as Float32Array) };
  });
  return out;
}

/** Synchronous variant for Node code paths and tests. */
export function tensorsToHostSync(table: NamedTensors): NamedHostTensors {
  const out: NamedHostTensors = {};
  for (const [name, t] of Object.entries(table)) {
    out[name] = { shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) };
  }
  return out;
}

export function countElements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
