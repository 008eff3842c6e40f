// The fused gelu_new on WebGPU equals the unfused ops (on WebGPU and on cpu), value and gradient, for sizes that do
// not fill a workgroup, one element, and inputs reaching the saturated tails of tanh.
import { describe, it } from 'vitest';
import { geluNew } from '../model/gelu-new.js';
import { expectFusedMatchesUnfused, randomInput } from '../test-support/fused-compare.js';
import { FUSED_GELU } from './gelu-new-webgpu.js';

describe('fused gelu_new (webgpu)', () => {
  for (const [shape, scale] of [[[1], 1], [[3, 37], 2], [[2, 5, 64], 6]] as const) {
    it(`equals the unfused ops for x ${JSON.stringify(shape)} with std ${scale}`, async () => {
      await expectFusedMatchesUnfused(`gelu_new ${JSON.stringify(shape)}`, 'FUSED_GELU', FUSED_GELU, geluNew, [randomInput([...shape], 5, scale)]);
    });
  }
});
