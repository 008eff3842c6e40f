// The run card's method words: the name alone for LoRA methods, the cycle settings for FedCyBGD.
import { runConfigSchema } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { methodSummary } from './method-summary.js';

describe('methodSummary', () => {
  it('names the LoRA method and describes the block cycle', () => {
    expect(methodSummary(runConfigSchema.parse({}))).toBe('SplitLoRA');
    expect(methodSummary(runConfigSchema.parse({ method: 'fedlora' }))).toBe('Federated LoRA (whole model in the tabs)');
    expect(methodSummary(runConfigSchema.parse({ method: 'cybgd' }))).toBe('FedCyBGD: rotate schedule, fp16 block uploads, all lacking blocks downloaded');
    expect(methodSummary(runConfigSchema.parse({ method: 'cybgd-split', cycle: { schedule: 'random', uploadDtype: 'float32', downloadFraction: 0.25, downloadPick: 'stalest' } })))
      .toBe('FedCyBGD (split): random schedule, fp32 block uploads, 25 % of lacking blocks downloaded (stalest first)');
  });
});
