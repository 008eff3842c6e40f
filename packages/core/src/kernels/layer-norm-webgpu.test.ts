// The fused layer norm on WebGPU equals the unfused ops (on WebGPU and on cpu), value and gradients w.r.t. x,
// weight and bias, for one row, widths that do not fill the 64-wide workgroup, and a (B, T, E) input.
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { layerNorm } from '../model/layer-norm.js';
import { expectFusedMatchesUnfused, randomInput } from '../test-support/fused-compare.js';
import { FUSED_LAYER_NORM } from './layer-norm-webgpu.js';

const ln = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => layerNorm(x, w, b, 1e-5);

describe('fused layer norm (webgpu)', () => {
  for (const shape of [[1, 7], [5, 100], [2, 3, 96]]) {
    it(`equals the unfused ops for x ${JSON.stringify(shape)}`, async () => {
      const E = shape.at(-1)!;
      const x = randomInput(shape, 1, 2);
      x.data.forEach((v, i, a) => (a[i] = v + 3)); // an offset mean, as real activations have
      await expectFusedMatchesUnfused(`layer norm ${JSON.stringify(shape)}`, 'FUSED_LAYER_NORM', FUSED_LAYER_NORM, ln, [x, randomInput([E], 2), randomInput([E], 3)]);
    });
  }
});
