// The model under attack: presets get random weights, hf:<folder> loads a checkpoint, and a model that cannot hold
// the benchmark's GPT-2 token ids or sequence length is refused with a message saying why.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/python.js';
import { checkModelFits, loadAttackedModel, modelSlug } from './model-source.js';

describe('loadAttackedModel', () => {
  it('gives a preset random weights and loads a Hugging Face folder by path', async () => {
    const tiny = await loadAttackedModel('tiny', 3);
    expect(tiny.weights).toBe('random');
    expect(tiny.config.n_layer).toBe(6);
    expect(() => checkModelFits(tiny, 128, 50257)).not.toThrow();
    const folder = join(REPO_ROOT, 'packages/core/fixtures/hf-tiny-gpt2');
    const hf = await loadAttackedModel(`hf:${folder}`, 0);
    expect(hf.weights).toBe('pretrained');
    expect(hf.source).toBe(folder);
    expect(hf.config.n_embd).toBe(32);
    expect(() => checkModelFits(hf, 16, 50257)).toThrow(/vocabulary of 512 tokens; the benchmark's texts use the GPT-2 tokenizer's 50257/);
    expect(() => checkModelFits(hf, 64, 512)).toThrow(/--seq 64 exceeds the 32 positions/);
    expect(modelSlug(`hf:tiny-shakespeare`)).toBe('hf-tiny-shakespeare');
  });

  it('names what it expected for an unknown model or a missing folder', async () => {
    await expect(loadAttackedModel('gpt5', 0)).rejects.toThrow(/expected a preset .* or hf:<folder>/);
    await expect(loadAttackedModel('hf:no-such-folder', 0)).rejects.toThrow(/no Hugging Face GPT-2 folder with config.json/);
  });
});
