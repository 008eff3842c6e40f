// Adds derived transposed copies of frozen weights to a parameter table, so backward passes multiply without
// transposeB (which the wasm backend runs several times slower): the tied head's wte, and optionally every Conv1D.
import * as tf from '@tensorflow/tfjs-core';
import { backendFlag } from '../backend/backend-flags.js';
import type { NamedTensors } from '../tensors/named-tensors.js';
import { isConv1dWeight, transposedName, WTE, WTE_T } from './param-names.js';

/** Returns the table with WTE_T added (a new tensor the caller disposes with the table). */
export function withTransposedHead(params: NamedTensors): NamedTensors {
  const wte = params[WTE];
  if (wte === undefined || params[WTE_T] !== undefined) return params;
  return { ...params, [WTE_T]: tf.transpose(wte) };
}

/**
 * Returns the table with a transposed copy of every Conv1D weight added (`<name>:T`, new tensors the caller disposes
 * with the table). conv1d() then takes the gradient w.r.t. its input as dy·Wᵀ with a plain matMul — 6× faster on
 * wasm (`pnpm bench conv1d`) for one more copy of the block weights in memory.
 */
export function withTransposedConv1d(params: NamedTensors): NamedTensors {
  const added: NamedTensors = {};
  for (const [name, weight] of Object.entries(params)) {
    if (isConv1dWeight(name) && params[transposedName(name)] === undefined) added[transposedName(name)] = tf.transpose(weight);
  }
  return Object.keys(added).length === 0 ? params : { ...params, ...added };
}

/** Whether the active backend profits from withTransposedConv1d (the TRANSPOSED_CONV1D_WEIGHTS flag). */
export function transposedConv1dHelps(): boolean {
  return backendFlag('TRANSPOSED_CONV1D_WEIGHTS');
}

/** Whether the active backend runs the tied head through withTransposedHead (the TRANSPOSED_HEAD_WEIGHTS flag). */
export function transposedHeadHelps(): boolean {
  return backendFlag('TRANSPOSED_HEAD_WEIGHTS');
}
