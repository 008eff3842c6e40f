// FedAvg: the weighted mean of named adapters (weights are token counts), with name and shape checks.
import * as tf from '@tensorflow/tfjs-core';
import { fail, formatShape } from '../errors.js';
import { type NamedHostTensors, type NamedTensors, sameShape } from '../tensors/named-tensors.js';
import { sumTensors } from '../tensors/sum-tensors.js';

export interface WeightedAdapter<T> {
  /** Who sent it, for error messages. */
  source: string;
  adapter: T;
  /** Usually the number of tokens the adapter was trained on. */
  weight: number;
}

function checkCompatible(entries: readonly WeightedAdapter<Record<string, { shape: readonly number[] }>>[]): string[] {
  if (entries.length === 0) fail('adapter', 'FedAvg needs at least one adapter');
  const total = entries.reduce((s, e) => s + e.weight, 0);
  for (const e of entries) {
    if (!Number.isFinite(e.weight) || e.weight < 0) fail('adapter', `FedAvg weight of ${e.source} must be finite and >= 0, found ${e.weight}`);
  }
  if (!(total > 0)) fail('adapter', 'FedAvg weights sum to 0');
  const first = entries[0]!;
  const names = Object.keys(first.adapter).sort();
  for (const e of entries.slice(1)) {
    const other = Object.keys(e.adapter).sort();
    const missing = names.find((n) => !(n in e.adapter));
    if (missing !== undefined) fail('adapter', `adapter of ${e.source} lacks ${missing} (present in ${first.source})`);
    const extra = other.find((n) => !(n in first.adapter));
    if (extra !== undefined) fail('adapter', `adapter of ${e.source} has ${extra}, absent from ${first.source}`);
    for (const n of names) {
      const a = first.adapter[n]!.shape;
      const b = e.adapter[n]!.shape;
      if (!sameShape(a, b)) fail('adapter', `adapter tensor ${n}: ${first.source} has shape ${formatShape(a)}, ${e.source} has ${formatShape(b)}`);
    }
  }
  return names;
}

/** Weighted mean of tensor adapters in one tidy; the result is new tensors the caller owns. */
export function fedAvg(entries: readonly WeightedAdapter<NamedTensors>[]): NamedTensors {
  const names = checkCompatible(entries);
  const total = entries.reduce((s, e) => s + e.weight, 0);
  return tf.tidy(() => {
    const out: NamedTensors = {};
    for (const name of names) {
      out[name] = sumTensors(entries.map((e) => tf.mul(e.adapter[name]!, e.weight / total))); // PAIRWISE_ADDS on webgpu
    }
    return out;
  });
}

/** The same mean on host arrays (float64 accumulation), for the server and for checking the tensor version. */
export function fedAvgHost(entries: readonly WeightedAdapter<NamedHostTensors>[]): NamedHostTensors {
  const names = checkCompatible(entries);
  const total = entries.reduce((s, e) => s + e.weight, 0);
  const out: NamedHostTensors = {};
  for (const name of names) {
    const shape = entries[0]!.adapter[name]!.shape;
    const acc = new Float64Array(entries[0]!.adapter[name]!.data.length);
    for (const e of entries) {
      const w = e.weight / total;
      const data = e.adapter[name]!.data;
      for (let i = 0; i < acc.length; i++) acc[i]! += w * data[i]!;
    }
    out[name] = { shape: [...shape], data: Float32Array.from(acc) };
  }
  return out;
}
