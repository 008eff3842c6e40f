// Scale-out's supported runs: SplitLoRA in the standard layout; other methods and u-shaped are refused with what to do.
import { runConfigSchema, TRAINING_METHODS } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { scaleOutRefusal } from './scale-out-support.js';

describe('scaleOutRefusal', () => {
  it('serves splitlora in the standard layout and refuses everything else with a sentence', () => {
    expect(scaleOutRefusal(runConfigSchema.parse({}))).toBeNull();
    for (const method of TRAINING_METHODS.filter((m) => m !== 'splitlora')) {
      expect(scaleOutRefusal({ method, layout: 'standard' })).toContain(`method ${method} is not served by split workers yet`);
    }
    expect(scaleOutRefusal({ method: 'splitlora', layout: 'u-shaped' })).toMatch(/u-shaped layout is not served by split workers yet; start the server as one process/);
  });
});
