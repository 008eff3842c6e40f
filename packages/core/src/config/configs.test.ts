// Config validation: unknown keys fail with their name, bad values and out-of-range cuts are explained.
import { describe, expect, it } from 'vitest';
import { GPT2_PRESETS, gpt2Config, gpt2ConfigFromHf, validateCut } from './gpt2-config.js';
import { loraConfig, PAPER_LORA, targetedModules } from './lora-config.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../test-support/fixtures.js';

describe('GPT-2 config', () => {
  it('has the presets with the known architectures', () => {
    expect(GPT2_PRESETS.gpt2).toMatchObject({ n_embd: 768, n_layer: 12, n_head: 12, vocab_size: 50257 });
    expect(GPT2_PRESETS['gpt2-medium']).toMatchObject({ n_embd: 1024, n_layer: 24, n_head: 16 });
    expect(GPT2_PRESETS.distilgpt2).toMatchObject({ n_embd: 768, n_layer: 6 });
    expect(GPT2_PRESETS.tiny.vocab_size).toBe(50257);
  });

  it('fails loudly on unknown keys, naming them', () => {
    expect(() => gpt2Config('tiny', { n_layers: 3 } as never)).toThrow('unknown gpt2 config key "n_layers"');
    expect(() => loraConfig({ rank: 8 } as never)).toThrow('unknown lora config key "rank"');
  });

  it('explains bad values', () => {
    expect(() => gpt2Config('tiny', { n_head: 5 })).toThrow('n_embd 64 is not divisible by n_head 5');
    expect(() => gpt2Config('tiny', { n_layer: 0 })).toThrow('gpt2 config.n_layer must be a positive integer, found 0');
    expect(() => gpt2Config('nope' as never)).toThrow(/unknown GPT-2 preset "nope"/);
    expect(() => loraConfig({ target_modules: ['q_proj'] })).toThrow('"q_proj" matches no GPT-2 module');
    expect(() => loraConfig({ lora_dropout: 1.5 })).toThrow(/lora_dropout must be a number in \[0, 0.99\]/);
  });

  it('checks the cut layer against the depth', () => {
    expect(validateCut(GPT2_PRESETS.gpt2, 3)).toBe(3);
    expect(() => validateCut(GPT2_PRESETS.gpt2, 14, 'gpt2')).toThrow('cut layer 14 out of range 1..11 for gpt2');
    expect(() => validateCut(GPT2_PRESETS.gpt2, 0, 'gpt2')).toThrow('cut layer 0 out of range 1..11 for gpt2');
  });

  it('reads a real Hugging Face config.json (GPT-2 medium)', () => {
    const hf = JSON.parse(readFileSync(join(dataDir(), 'gpt2-tokenizer', 'gpt2-medium-config.json'), 'utf8'));
    expect(gpt2ConfigFromHf(hf)).toEqual({ ...GPT2_PRESETS['gpt2-medium'] });
    expect(() => gpt2ConfigFromHf({ ...hf, model_type: 'llama' })).toThrow('model_type must be "gpt2", found "llama"');
    expect(() => gpt2ConfigFromHf({ ...hf, scale_attn_by_inverse_layer_idx: true })).toThrow(/not supported/);
  });

  it('targets modules by PEFT suffix matching', () => {
    expect(targetedModules(PAPER_LORA)).toEqual(['attn.c_attn']);
    expect(targetedModules(loraConfig({ target_modules: ['c_proj'], enable_lora: null }))).toEqual(['attn.c_proj', 'mlp.c_proj']);
    expect(targetedModules(loraConfig({ target_modules: ['mlp.c_proj'], enable_lora: null }))).toEqual(['mlp.c_proj']);
  });
});
