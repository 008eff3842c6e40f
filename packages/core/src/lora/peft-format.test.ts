// PEFT interop: adapters we exported load in PeftModel with the same logits (checked by make_fixtures.py, whose
// logits are compared here again), and import back into the same tensors and outputs.
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHfGpt2 } from '../io/hf-checkpoint.js';
import { namedToTensors, tensorsToHostSync } from '../tensors/named-tensors.js';
import { fullLogits } from '../train/split-steps.js';
import { useBackend } from '../test-support/backend.js';
import { dirSource, FIXTURES, type JsonTensor, maxAbsDiff, readFixture } from '../test-support/fixtures.js';
import { caseAdapter, EXPORT_CASES } from '../../../../tools/fixtures/export-ts-fixtures-cases.js';
import { exportPeftAdapter, importPeftAdapter } from './peft-format.js';
import { memoryFileSource } from '../io/file-source.js';

describe('PEFT adapter interop', () => {
  beforeAll(() => useBackend('cpu'));

  for (const name of Object.keys(EXPORT_CASES)) {
    it(`${name}: PEFT's logits with our exported adapter equal ours, and the files import back losslessly`, async () => {
      const { config, params } = await loadHfGpt2(dirSource(join(FIXTURES, 'hf-tiny-gpt2')));
      const model = { config, params: namedToTensors(params) };
      const imported = await importPeftAdapter(config, dirSource(join(FIXTURES, 'ts-export', name)));
      const c = EXPORT_CASES[name]!;
      expect(imported.config).toEqual(c.lora);
      expect(imported.layers).toEqual(Array.from({ length: c.to - c.from }, (_, i) => c.from + i));
      const adapter = { config: imported.config, tensors: namedToTensors(imported.tensors) };
      const ids = tf.tensor2d(readFixture<{ ids: number[][] }>('base.json').ids, undefined, 'int32');
      const logits = fullLogits(model, adapter, ids);
      const peft = readFixture<JsonTensor>(`ts-export/${name}/peft-logits.json`);
      const diff = maxAbsDiff(logits.dataSync(), peft.data);
      console.log(`${name}: max |Δlogits| vs PEFT = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(1e-4);
      // Deterministic regeneration gives the same tensors the fixture holds.
      const regenerated = caseAdapter(config, c);
      const host = tensorsToHostSync(regenerated.tensors);
      for (const [n, t] of Object.entries(host)) expect(maxAbsDiff(t.data, imported.tensors[n]!.data), n).toBe(0);
      // A round trip through our own exporter keeps every value.
      const again = await importPeftAdapter(config, memoryFileSource({ ...exportPeftAdapter(config, c.lora, host) }));
      for (const [n, t] of Object.entries(host)) expect(maxAbsDiff(t.data, again.tensors[n]!.data), n).toBe(0);
      regenerated.dispose();
      tf.dispose([logits, ids, ...Object.values(adapter.tensors), ...Object.values(model.params)]);
    });
  }

  it('refuses a merged adapter whose B has values outside the q/v blocks', async () => {
    const { config } = await loadHfGpt2(dirSource(join(FIXTURES, 'hf-tiny-gpt2')));
    const c = EXPORT_CASES['qv']!;
    const adapter = caseAdapter(config, c);
    const files = exportPeftAdapter(config, c.lora, tensorsToHostSync(adapter.tensors));
    adapter.dispose();
    // Corrupt one k-row entry of layer 0's B (rows E..2E are k and must stay 0).
    const { parseSafetensors, writeSafetensors } = await import('../io/safetensors.js');
    const file = parseSafetensors(files['adapter_model.safetensors']);
    const tensors = Object.fromEntries(file.names().map((n) => [n, file.read(n)]));
    const b = tensors['base_model.model.transformer.h.0.attn.c_attn.lora_B.weight']!;
    b.data[config.n_embd * b.shape[1]!] = 0.5;
    const bad = writeSafetensors(tensors, 'F32', file.metadata);
    await expect(importPeftAdapter(config, memoryFileSource({ ...files, 'adapter_model.safetensors': bad })))
      .rejects.toThrow(/transformer\.h\.0\.attn\.c_attn\.lora_B\.weight: entry outside the q\/v blocks/);
  });
});
