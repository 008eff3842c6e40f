// A run folder is self-contained (issue 13 item 5): it holds the base checkpoint the run trained on, and the exported
// adapter's base_model_name_or_path resolves from the run folder, so PEFT's AutoPeftModelForCausalLM loads it with
// nothing else and gives the project's logits (checked when a Python with torch/transformers/peft is found).
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fullLogits, gpt2Config, importPeftAdapter, initGpt2Params, loadHfGpt2, namedToTensors } from '@splitlora/core';
import { dirSource, embeddedModelDir } from '@splitlora/node';
import { describe, expect, it } from 'vitest';
import { findFixturesPython, runFixtureScript } from '../../../../tools/fixtures/fixtures-python.js';
import { adminRequest, createAndStart, startVolunteers, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const python = findFixturesPython();
if (!python.ok) console.warn(`skipping the PEFT cross-check: ${python.reason}`);

const IDS = [[1212, 318, 257, 1332, 286, 262, 1057, 9483, 13, 50256, 383, 1748], [40, 588, 11311, 287, 262, 13860, 7850, 764, 464, 2068, 7586, 1110]];

describe('self-contained run folder', () => {
  const ctx = useServerWithAdmin();
  let runDir = '';
  let oursPath = '';

  it('an embedded base is copied into base-model/, the adapter names it, and it reloads to the run\'s logits', async () => {
    const admin = ctx.admin();
    const run = await createAndStart(admin, testRunConfig({ model: 'tiny-shakespeare', rounds: 1, localSteps: 3, minClients: 1, maxClients: 1 }));
    const outcomes = await Promise.all((await startVolunteers(ctx.server().url, 1, 'self-contained')).map((v) => v.done));
    expect(outcomes).toEqual(['finished']);
    const current = ctx.server().host.current!;
    expect(current.runId).toBe(run.runId);
    runDir = current.runDir;
    const adapterDir = await current.exportCombined();
    expect(adapterDir).toBe(join(runDir, 'final-adapter'));

    expect(JSON.parse(readFileSync(join(runDir, 'base-model.json'), 'utf8'))).toEqual({ model: 'tiny-shakespeare', kind: 'saved', base_model_name_or_path: 'base-model' });
    for (const dir of ['final-adapter', 'rounds/0001/client-adapter', 'rounds/0001/server-adapter']) {
      expect(JSON.parse(readFileSync(join(runDir, dir, 'adapter_config.json'), 'utf8')).base_model_name_or_path, dir).toBe('base-model');
    }
    // The saved base is the shipped checkpoint, byte for byte.
    for (const file of ['config.json', 'model.safetensors']) {
      expect(readFileSync(join(runDir, 'base-model', file)).equals(readFileSync(join(embeddedModelDir('tiny-shakespeare'), file))), file).toBe(true);
    }
    // The project's logits of base + final adapter, loaded from the run folder alone.
    const { config, params } = await loadHfGpt2(dirSource(join(runDir, 'base-model')));
    const imported = await importPeftAdapter(config, dirSource(adapterDir));
    const model = { config, params: namedToTensors(params) };
    const adapter = { config: imported.config, tensors: namedToTensors(imported.tensors) };
    const ids = tf.tensor2d(IDS, undefined, 'int32');
    const logits = fullLogits(model, adapter, ids);
    const base = fullLogits(model, null, ids);
    const data = Array.from(logits.dataSync());
    const baseData = base.dataSync();
    // The adapter trained: it changes the output (else the PEFT comparison below would prove little).
    const moved = data.reduce((m, v, i) => Math.max(m, Math.abs(v - baseData[i]!)), 0);
    console.log(`final adapter moves the logits by up to ${moved.toExponential(2)}`);
    expect(moved).toBeGreaterThan(1e-3);
    oursPath = join(mkdtempSync(join(tmpdir(), 'splitlora-ours-')), 'ours.json');
    writeFileSync(oursPath, JSON.stringify({ ids: IDS, logits: { shape: logits.shape, data } }));
    tf.dispose([logits, base, ids, ...Object.values(model.params), ...Object.values(adapter.tensors)]);
  }, 600_000);

  it.skipIf(!python.ok)('AutoPeftModelForCausalLM loads final-adapter from the run folder alone with the project\'s logits (≤ 1e-4)', () => {
    if (!python.ok) return;
    const report = runFixtureScript<{ base_model_name_or_path: string; max_abs_diff: number; lora_modules: number }>(
      python.python, 'check_run_folder_adapter.py', [runDir, 'final-adapter', oursPath],
    );
    console.log(`AutoPeftModelForCausalLM from ${runDir}: max |Δlogits| = ${report.max_abs_diff.toExponential(2)} over ${report.lora_modules} LoRA modules`);
    expect(report.base_model_name_or_path).toBe('base-model');
    expect(report.lora_modules).toBeGreaterThan(0);
    expect(report.max_abs_diff).toBeLessThanOrEqual(1e-4);
  }, 600_000);

  it('a random-weight base is saved in fp32 with exactly the weights the run drew from its seed', async () => {
    const admin = ctx.admin();
    const created = await adminRequest(admin, 'run:create', testRunConfig({ model: 'tiny', seed: 11 }));
    const dir = ctx.server().host.current!.runDir;
    expect(ctx.server().host.current!.runId).toBe(created.runId);
    expect(JSON.parse(readFileSync(join(dir, 'base-model.json'), 'utf8')).kind).toBe('saved');
    const { params } = await loadHfGpt2(dirSource(join(dir, 'base-model')));
    const expected = initGpt2Params(gpt2Config('tiny'), 11);
    for (const [name, t] of Object.entries(expected)) {
      expect(params[name]!.data.every((v, i) => v === t.data[i]), name).toBe(true);
    }
  }, 300_000);
});
