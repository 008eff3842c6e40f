// The fused causal attention on WebGPU equals the unfused ops (on WebGPU and on cpu): output and d(qkv), for T = 1,
// T not a multiple of the 64-query workgroup or the key tile, several batches and heads, and head sizes 8 and 64.
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { attentionCore } from '../model/attention.js';
import { expectFusedMatchesUnfused, randomInput } from '../test-support/fused-compare.js';
import { FUSED_ATTENTION } from './causal-attention-webgpu.js';

const CASES = [
  { B: 1, T: 1, nh: 1, hs: 8 },
  { B: 2, T: 5, nh: 3, hs: 8 },
  { B: 1, T: 70, nh: 2, hs: 16 },
  { B: 2, T: 33, nh: 2, hs: 64 },
];

describe('fused causal attention (webgpu)', () => {
  for (const { B, T, nh, hs } of CASES) {
    it(`equals the unfused ops for B ${B}, T ${T}, ${nh} heads of ${hs}`, async () => {
      const f = (qkv: tf.Tensor) => attentionCore(qkv as tf.Tensor2D, B, T, nh);
      await expectFusedMatchesUnfused(`attention B${B} T${T} nh${nh} hs${hs}`, 'FUSED_ATTENTION', FUSED_ATTENTION, f, [randomInput([B * T, 3 * nh * hs], 7, 1)]);
    });
  }
});
