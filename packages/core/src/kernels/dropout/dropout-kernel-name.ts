// The HashDropout kernel's name and attributes, shared by its op, its gradient and its backend implementations.
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { dropoutParams, type DropoutParams } from './dropout-hash.js';

export const HASH_DROPOUT = 'SplitLoraHashDropout';

/** Attributes of a HashDropout call: the drop rate and the 32-bit seed of the mask. */
export interface HashDropoutAttrs {
  rate: number;
  seed: number;
}

export function paramsOf(attrs: NamedAttrMap | undefined): DropoutParams {
  const { rate, seed } = attrs as unknown as HashDropoutAttrs;
  return dropoutParams(rate, seed);
}
