// The split plan is checked once, when it is made: the cut against the depth, the LoRA config, the layout; its two
// adapter layouts split the whole model's adapter between client and server.
import { describe, expect, it } from 'vitest';
import { adapterLayout } from '../lora/adapter-layout.js';
import { GPT2_PRESETS } from './gpt2-config.js';
import { loraConfig, PAPER_LORA } from './lora-config.js';
import { SplitPlan } from './split-plan.js';

describe('SplitPlan', () => {
  it('refuses a cut outside the model, a bad LoRA config and layouts this version cannot train', () => {
    expect(() => SplitPlan.create(GPT2_PRESETS.gpt2, 14, PAPER_LORA, 'gpt2')).toThrow('cut layer 14 out of range 1..11 for gpt2');
    expect(() => SplitPlan.create(GPT2_PRESETS.gpt2, 3, { ...PAPER_LORA, enable_lora: [false, false, false] })).toThrow(/at least one true/);
    expect(() => SplitPlan.create(GPT2_PRESETS.gpt2, { mode: 'u-shaped', cut: 2, tailCut: 10 }, PAPER_LORA)).toThrow(/only the standard split/);
    expect(() => SplitPlan.create({ ...GPT2_PRESETS.tiny, n_head: 5 }, 2, PAPER_LORA)).toThrow('not divisible by n_head 5');
  });

  it('splits the adapter between client blocks [0, cut) and server blocks [cut, L)', () => {
    const lora = loraConfig({ target_modules: ['c_attn', 'c_fc'], enable_lora: null });
    const plan = SplitPlan.create({ ...GPT2_PRESETS.tiny }, { mode: 'standard', cut: 2 }, lora, 'tiny');
    expect(plan.cut).toBe(2);
    expect(plan.layout).toEqual({ mode: 'standard', cut: 2 });
    const client = plan.clientAdapterLayout();
    const server = plan.serverAdapterLayout();
    expect(Object.keys(client).every((n) => Number(n.split('.')[2]) < 2)).toBe(true);
    expect(Object.keys(server).every((n) => Number(n.split('.')[2]) >= 2)).toBe(true);
    expect({ ...client, ...server }).toEqual(adapterLayout(plan.config, lora, 0, plan.config.n_layer));
  });
});
