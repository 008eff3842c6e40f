// Adds the transposed copy of the tied head weight to a parameter table (fast head matMul on wasm and CPU).
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensors } from '../tensors/named-tensors.js';
import { WTE, WTE_T } from './param-names.js';

/** Returns the table with WTE_T added (a new tensor the caller disposes with the table). */
export function withTransposedHead(params: NamedTensors): NamedTensors {
  const wte = params[WTE];
  if (wte === undefined || params[WTE_T] !== undefined) return params;
  return { ...params, [WTE_T]: tf.transpose(wte) };
}
