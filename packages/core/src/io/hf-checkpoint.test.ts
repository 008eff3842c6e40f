// The Hugging Face directory loader: hub-style names, sharded checkpoints, and errors that name the tensor.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpt2Config, gpt2ConfigToHf } from '../config/gpt2-config.js';
import { initGpt2Params } from '../model/init-params.js';
import { clientPart } from '../model/param-names.js';
import { dirSource, FIXTURES } from '../test-support/fixtures.js';
import { memoryFileSource } from './file-source.js';
import { loadHfGpt2, saveHfGpt2 } from './hf-checkpoint.js';
import { writeSafetensors } from './safetensors.js';

const config = gpt2Config('tiny', { vocab_size: 50, n_embd: 8, n_layer: 2, n_head: 2, n_positions: 8, bos_token_id: 49, eos_token_id: 49 });
const params = initGpt2Params(config, 1);
const configJson = JSON.stringify(gpt2ConfigToHf(config));

describe('loadHfGpt2', () => {
  it('loads the fixture checkpoint written by transformers', async () => {
    const { config: c, params: p } = await loadHfGpt2(dirSource(join(FIXTURES, 'hf-tiny-gpt2')));
    expect(c.n_layer).toBe(4);
    expect(Object.keys(p)).toHaveLength(2 + 4 * 12 + 2);
  });

  it('loads only a part (the client split) when asked', async () => {
    const { params: p } = await loadHfGpt2(memoryFileSource(saveHfGpt2(config, params)), clientPart(1));
    expect(Object.keys(p).sort()).toEqual(Object.keys(initGpt2Params(config, 0, clientPart(1))).sort());
  });

  it('accepts hub-style names without the transformer. prefix, causal-mask buffers and a tied lm_head', async () => {
    const renamed: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [name, t] of Object.entries(params)) renamed[name.replace(/^transformer\./, '')] = t;
    renamed['h.0.attn.bias'] = { shape: [1, 1, 8, 8], data: new Float32Array(64) };
    renamed['lm_head.weight'] = params['transformer.wte.weight']!;
    const loaded = await loadHfGpt2(memoryFileSource({ 'config.json': configJson, 'model.safetensors': writeSafetensors(renamed) }));
    expect(loaded.params['transformer.h.1.mlp.c_fc.weight']).toEqual(params['transformer.h.1.mlp.c_fc.weight']);
  });

  it('loads a sharded checkpoint through model.safetensors.index.json', async () => {
    const names = Object.keys(params);
    const half = Math.floor(names.length / 2);
    const shard = (part: string[]) => writeSafetensors(Object.fromEntries(part.map((n) => [n, params[n]!])));
    const files = {
      'config.json': configJson,
      'model-00001-of-00002.safetensors': shard(names.slice(0, half)),
      'model-00002-of-00002.safetensors': shard(names.slice(half)),
      'model.safetensors.index.json': JSON.stringify({
        metadata: {}, weight_map: Object.fromEntries(names.map((n, i) => [n, i < half ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors'])),
      }),
    };
    const loaded = await loadHfGpt2(memoryFileSource(files));
    expect(loaded.params).toEqual(params);
  });

  it('names the missing tensor and its expected shape', async () => {
    const partial = { ...params };
    delete partial['transformer.h.1.attn.c_proj.weight'];
    await expect(loadHfGpt2(memoryFileSource({ 'config.json': configJson, 'model.safetensors': writeSafetensors(partial) }, 'ckpt')))
      .rejects.toThrow('ckpt: missing tensor transformer.h.1.attn.c_proj.weight (expected shape [8, 8])');
  });

  it('names a mis-shaped tensor with the expected and the found shape', async () => {
    const bad = { ...params, 'transformer.h.0.mlp.c_fc.weight': { shape: [32, 8], data: new Float32Array(256) } };
    await expect(loadHfGpt2(memoryFileSource({ 'config.json': configJson, 'model.safetensors': writeSafetensors(bad) }, 'ckpt')))
      .rejects.toThrow('ckpt: tensor transformer.h.0.mlp.c_fc.weight has shape [32, 8], expected [8, 32]');
  });

  it('says when there are no weights or no config', async () => {
    await expect(loadHfGpt2(memoryFileSource({ 'config.json': configJson }, 'd'))).rejects.toThrow(/d: no model\.safetensors/);
    await expect(loadHfGpt2(memoryFileSource({}, 'd'))).rejects.toThrow('d: config.json not found');
  });

  it('refuses an untied head', async () => {
    const untied = { ...params, 'lm_head.weight': { shape: [50, 8], data: new Float32Array(400).fill(1) } };
    await expect(loadHfGpt2(memoryFileSource({ 'config.json': configJson, 'model.safetensors': writeSafetensors(untied) })))
      .rejects.toThrow(/only tied heads/);
  });
});
