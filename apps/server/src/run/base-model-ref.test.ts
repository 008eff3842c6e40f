// Where a run folder says its base lives: a downloaded hub model by its repo id, another local folder by its path,
// a random-weight preset saved as a checkpoint beside the adapters.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectedParamShapes, gpt2Config, loadHfGpt2, type NamedHostTensors } from '@splitlora/core';
import { dirSource } from '@splitlora/node';
import { describe, expect, it } from 'vitest';
import { HUB_SOURCE_FILE, readBaseModelRef, saveBaseModel } from './base-model-ref.js';
import type { LoadedModel } from './model-source.js';

function hfModel(name: string): LoadedModel {
  return { name, config: gpt2Config('tiny'), params: {}, tokenizerDir: null };
}

describe('saveBaseModel', () => {
  const modelsDir = mkdtempSync(join(tmpdir(), 'splitlora-models-'));
  for (const folder of ['gpt2', 'mine']) {
    mkdirSync(join(modelsDir, folder));
    writeFileSync(join(modelsDir, folder, 'config.json'), '{}');
  }
  writeFileSync(join(modelsDir, 'gpt2', HUB_SOURCE_FILE), JSON.stringify({ repo: 'openai-community/gpt2' }));

  it('names a model downloaded from the hub by its repo, and another folder by its absolute path', async () => {
    const runA = mkdtempSync(join(tmpdir(), 'splitlora-run-'));
    expect(await saveBaseModel(runA, hfModel('hf:gpt2'), modelsDir)).toEqual({ model: 'hf:gpt2', kind: 'hub', base_model_name_or_path: 'openai-community/gpt2' });
    expect(readBaseModelRef(runA)?.kind).toBe('hub');
    const runB = mkdtempSync(join(tmpdir(), 'splitlora-run-'));
    expect(await saveBaseModel(runB, hfModel('hf:mine'), modelsDir)).toEqual({ model: 'hf:mine', kind: 'folder', base_model_name_or_path: join(modelsDir, 'mine') });
    expect(readBaseModelRef(mkdtempSync(join(tmpdir(), 'splitlora-run-')))).toBeNull();
  });

  it('saves a random-weight base as an fp32 checkpoint in base-model/', async () => {
    const config = { ...gpt2Config('tiny'), vocab_size: 16, n_positions: 8, n_layer: 1, bos_token_id: 15, eos_token_id: 15 };
    const params: NamedHostTensors = {};
    let k = 0;
    for (const [n, shape] of Object.entries(expectedParamShapes(config))) {
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).map(() => Math.sin(++k) / 3);
      params[n] = { shape, data };
    }
    const run = mkdtempSync(join(tmpdir(), 'splitlora-run-'));
    expect(await saveBaseModel(run, { name: 'tiny', config, params, tokenizerDir: null }, modelsDir)).toEqual({ model: 'tiny', kind: 'saved', base_model_name_or_path: 'base-model' });
    const loaded = await loadHfGpt2(dirSource(join(run, 'base-model')));
    for (const [n, t] of Object.entries(params)) expect(Array.from(loaded.params[n]!.data), n).toEqual(Array.from(t.data));
  });
});
