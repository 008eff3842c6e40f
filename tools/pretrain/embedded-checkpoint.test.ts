// The committed pretrained default (models-embedded/tiny-shakespeare): it loads by name through the server's model
// source, its depth is the one the run form uses, its held-out loss on the model card's fixed slice, recomputed
// here from the fp16 weights on wasm, matches the card within 1e-3 nats, and transformers' GPT2LMHeadModel reads the
// same weights (loss and logits recorded by the fixture script).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { disposeNamed, fullLogits, namedToTensors } from '@splitlora/core';
import { embeddedModelDir, loadTokenizer } from '@splitlora/node';
import { EMBEDDED_MODELS, MODEL_PRESETS, modelDepth, modelWeights } from '@splitlora/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../apps/server/src/run/model-source.js';
import { useBackend } from '../../packages/core/src/test-support/backend.js';
import { dataDir, maxAbsDiff, readFixture } from '../../packages/core/src/test-support/fixtures.js';
import { heldOutStarts, tokenizeCorpus } from './corpus.js';
import { heldOutLoss } from './held-out.js';
import { readPretrainingRecord } from './model-card.js';

const TOLERANCE = 1e-3;

describe('the embedded tiny-shakespeare checkpoint', () => {
  beforeAll(() => useBackend('wasm'));

  it('loads by name as pretrained weights with the depth the run form uses', async () => {
    const model = await loadModel('tiny-shakespeare', 0, '/nonexistent-models-dir');
    const architecture = MODEL_PRESETS[EMBEDDED_MODELS['tiny-shakespeare'].architecture];
    expect(model.config.n_layer).toBe(modelDepth('tiny-shakespeare'));
    expect([model.config.n_embd, model.config.n_layer, model.config.n_head, model.config.n_positions])
      .toEqual([architecture.n_embd, architecture.n_layer, architecture.n_head, architecture.n_positions]);
    expect(model.config.vocab_size).toBe(50257);
    expect(modelWeights('tiny-shakespeare')).toBe('pretrained');
    expect(modelWeights('tiny')).toBe('random');
  });

  it(`has the held-out loss its model card states (fixed slice, within ${TOLERANCE})`, async () => {
    const dir = embeddedModelDir('tiny-shakespeare');
    const record = readPretrainingRecord(await readFile(join(dir, 'README.md'), 'utf8'));
    const data = dataDir();
    const tokenizer = await loadTokenizer(join(data, 'gpt2-tokenizer'));
    const corpus = tokenizeCorpus(await readFile(join(data, record.text), 'utf8'), tokenizer, record.trainFraction);
    expect(corpus.heldOut.length).toBe(record.heldOutTokens);
    const { config, params } = await loadModel('tiny-shakespeare', 0, '/nonexistent-models-dir');
    const before = tf.memory().numTensors;
    const tensors = namedToTensors(params);
    const loss = await heldOutLoss({ config, params: tensors }, corpus.heldOut, heldOutStarts(corpus.heldOut, record.seq, record.sliceWindows), record.seq);
    disposeNamed(tensors);
    console.log(`tiny-shakespeare: held-out slice loss ${loss.toFixed(5)}, model card ${record.sliceLoss.toFixed(5)} (|Δ| ${Math.abs(loss - record.sliceLoss).toExponential(2)})`);
    expect(Math.abs(loss - record.sliceLoss)).toBeLessThanOrEqual(TOLERANCE);
    expect(record.heldOutLoss).toBeLessThan(Math.log(50257) - 3); // far below a uniform guess over the vocabulary
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives transformers\' loss (≤ 1e-5) and logits (≤ 1e-4) on a fixed passage (fixture phase `embedded`)', async () => {
    const fx = readFixture<EmbeddedFixture>('embedded-tiny-shakespeare.json');
    const dir = embeddedModelDir('tiny-shakespeare');
    const sha = createHash('sha256').update(await readFile(join(dir, 'model.safetensors'))).digest('hex');
    expect(sha, 'the checkpoint changed: regenerate the fixture (tools/fixtures/regenerate.sh, phase embedded)').toBe(fx.sha256);
    const { config, params } = await loadModel('tiny-shakespeare', 0, '/nonexistent-models-dir');
    const model = { config, params: namedToTensors(params) };
    const ids = tf.tensor2d([fx.ids], undefined, 'int32');
    const logits = fullLogits(model, null, ids); // (1, T, V)
    const T = fx.ids.length;
    const V = config.vocab_size;
    const values = (await logits.data()) as Float32Array;
    // The loss in float64 on the host: tfjs' fp32 sum over 50,257 exponentials alone is off by ~1e-4.
    let loss = 0;
    for (let t = 0; t < T - 1; t++) {
      const row = values.subarray(t * V, (t + 1) * V);
      const max = row.reduce((m, v) => Math.max(m, v), -Infinity);
      const sum = row.reduce((acc, v) => acc + Math.exp(v - max), 0);
      loss += max + Math.log(sum) - row[fx.ids[t + 1]!]!;
    }
    const lossDiff = Math.abs(loss / (T - 1) - fx.loss);
    const last = values.subarray((T - 1) * V, T * V);
    const logitDiff = maxAbsDiff(fx.top_ids.map((id) => last[id]!), fx.top_logits);
    console.log(`tiny-shakespeare vs transformers: |Δloss| ${lossDiff.toExponential(2)}, max |Δlogit| (top 20) ${logitDiff.toExponential(2)}`);
    expect(lossDiff).toBeLessThanOrEqual(1e-5);
    expect(logitDiff).toBeLessThanOrEqual(1e-4);
    tf.dispose([ids, logits]);
    disposeNamed(model.params);
  });
});

interface EmbeddedFixture { text: string; ids: number[]; loss: number; top_ids: number[]; top_logits: number[]; sha256: string }
