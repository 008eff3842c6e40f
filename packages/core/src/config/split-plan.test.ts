// The split plan is checked once, when it is made: the cut against the depth, the LoRA config, the layout; its two
// adapter layouts split the whole model's adapter between client and server.
import { describe, expect, it } from 'vitest';
import { adapterLayout } from '../lora/adapter-layout.js';
import { expectedParamShapes } from '../model/param-names.js';
import { GPT2_PRESETS } from './gpt2-config.js';
import { loraConfig, PAPER_LORA } from './lora-config.js';
import { SplitPlan } from './split-plan.js';

describe('SplitPlan', () => {
  it('refuses a cut outside the model, a bad LoRA config and layouts this version cannot train', () => {
    expect(() => SplitPlan.create(GPT2_PRESETS.gpt2, 14, PAPER_LORA, 'gpt2')).toThrow('cut layer 14 out of range 1..11 for gpt2');
    expect(() => SplitPlan.create(GPT2_PRESETS.gpt2, 3, { ...PAPER_LORA, enable_lora: [false, false, false] })).toThrow(/at least one true/);
    expect(() => SplitPlan.create(GPT2_PRESETS.gpt2, { mode: 'u-shaped', cut: 4, tailCut: 4 }, PAPER_LORA, 'gpt2')).toThrow('u-shaped tail cut 4 out of range 5..12 for gpt2 (cut 4)');
    expect(() => SplitPlan.create(GPT2_PRESETS.gpt2, { mode: 'u-shaped', cut: 4, tailCut: 13 }, PAPER_LORA, 'gpt2')).toThrow(/out of range 5..12/);
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
    expect(plan.uShaped).toBe(false);
    expect(plan.tailCut).toBe(plan.config.n_layer);
  });

  it('u-shaped: the client keeps blocks [0, cut) and [tailCut, L) with ln_f and the head; the server only blocks [cut, tailCut)', () => {
    const plan = SplitPlan.create({ ...GPT2_PRESETS.tiny }, { mode: 'u-shaped', cut: 2, tailCut: 5 }, PAPER_LORA, 'tiny');
    const L = plan.config.n_layer;
    expect(plan.uShaped).toBe(true);
    const layer = (n: string) => Number(n.split('.')[2]);
    const clientLayers = new Set(Object.keys(plan.clientAdapterLayout()).map(layer));
    const serverLayers = new Set(Object.keys(plan.serverAdapterLayout()).map(layer));
    expect([...clientLayers].sort()).toEqual([0, 1, ...Array.from({ length: L - 5 }, (_, i) => 5 + i)]);
    expect([...serverLayers].sort()).toEqual([2, 3, 4]);
    expect({ ...plan.clientAdapterLayout(), ...plan.serverAdapterLayout() }).toEqual(adapterLayout(plan.config, PAPER_LORA, 0, L));
    const server = Object.keys(plan.serverParamShapes());
    expect(server.some((n) => n.includes('wte') || n.includes('wpe') || n.includes('ln_f'))).toBe(false);
    expect(Object.keys(plan.clientParamShapes())).toEqual(expect.arrayContaining(['transformer.wte.weight', 'transformer.wpe.weight', 'transformer.ln_f.weight']));
    expect(Object.keys(plan.initClientAdapter(1)).sort()).toEqual(Object.keys(plan.clientAdapterLayout()).sort());
  });

  it('whole (federated LoRA): the client holds the whole model and every block\'s adapter; the server holds nothing to train', () => {
    const plan = SplitPlan.create({ ...GPT2_PRESETS.tiny }, { mode: 'whole' }, PAPER_LORA, 'tiny');
    const L = plan.config.n_layer;
    expect(plan.whole).toBe(true);
    expect(plan.uShaped).toBe(false);
    expect(plan.cut).toBe(L);
    expect(plan.clientAdapterLayout()).toEqual(adapterLayout(plan.config, PAPER_LORA, 0, L));
    expect(plan.serverAdapterLayout()).toEqual({});
    expect(plan.initServerAdapter(1)).toEqual({});
    expect(plan.serverParamShapes()).toEqual({});
    expect(plan.clientParamShapes()).toEqual(expectedParamShapes(plan.config));
    expect(Object.keys(plan.initClientAdapter(1)).sort()).toEqual(Object.keys(plan.clientAdapterLayout()).sort());
  });
});
