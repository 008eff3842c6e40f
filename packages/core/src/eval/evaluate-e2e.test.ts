// evaluateE2E on a small random model: references grouped by MR in file order, one output per MR, metrics in
// range, perplexity equal to exp(mean loss) of the reference tokens computed independently, no tensor leaks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpt2Config } from '../config/gpt2-config.js';
import { contextCompletionExample } from '../data/examples.js';
import { initGpt2Params } from '../model/init-params.js';
import { gpt2Forward } from '../model/gpt2-forward.js';
import { disposeNamed, namedToTensors } from '../tensors/named-tensors.js';
import { Gpt2Tokenizer } from '../tokenizer/gpt2-tokenizer.js';
import { useBackend } from '../test-support/backend.js';
import { dataDir } from '../test-support/fixtures.js';
import { groupE2EReferences } from './e2e-references.js';
import { evaluateE2E } from './evaluate-e2e.js';

const CSV = 'mr,ref\n"name[A], food[Thai]","A serves Thai food."\n"name[B]","B is here."\n"name[A], food[Thai]","Thai food at A."\n';

describe('E2E references', () => {
  it('groups the rows of one MR, in the order MRs first appear', () => {
    expect(groupE2EReferences(CSV)).toEqual([
      { mr: 'name[A], food[Thai]', refs: ['A serves Thai food.', 'Thai food at A.'] },
      { mr: 'name[B]', refs: ['B is here.'] },
    ]);
    expect(() => groupE2EReferences('a,b\n1,2\n', 'x.csv')).toThrow(/x.csv: expected columns "mr,ref"/);
  });
});

describe('evaluateE2E', () => {
  let tokenizer: Gpt2Tokenizer;
  beforeAll(async () => {
    await useBackend('wasm');
    const dir = join(dataDir(), 'gpt2-tokenizer');
    tokenizer = Gpt2Tokenizer.fromFiles(readFileSync(join(dir, 'vocab.json'), 'utf8'), readFileSync(join(dir, 'merges.txt'), 'utf8'));
  });

  it('decodes each MR once, scores in range, and reports the references\' perplexity', async () => {
    const config = gpt2Config('tiny', { n_embd: 32, n_layer: 2, n_head: 2, n_positions: 64 });
    const model = { config, params: namedToTensors(initGpt2Params(config, 2)) };
    const items = groupE2EReferences(CSV);
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const result = await evaluateE2E(model, null, tokenizer, items, {
      decoding: { numBeams: 2, lengthPenalty: 0.8, noRepeatNgramSize: 4, maxNewTokens: 6 }, promptBatch: 1,
      onProgress: (done) => progress.push(done),
    });
    expect(progress).toEqual([1, 2]);
    expect(result.outputs.map((o) => o.mr)).toEqual(items.map((i) => i.mr));
    expect(result.references).toBe(3);
    for (const score of [result.bleu, result.meteor, result.rougeL]) expect(score >= 0 && score <= 1).toBe(true);
    expect(result.nist).toBeGreaterThanOrEqual(0);
    expect(result.cider).toBeGreaterThanOrEqual(0);
    // Independent perplexity: per reference, the log-softmax of the full logits at each completion position.
    let nll = 0;
    let count = 0;
    for (const item of items) {
      for (const ref of item.refs) {
        const example = contextCompletionExample(tokenizer, item.mr, ref, { maxSeqLen: config.n_positions })!;
        const logProbs = tf.tidy(() => tf.logSoftmax(gpt2Forward({ config, params: model.params, lora: null, dropoutSeed: null }, tf.tensor2d([example.tokens], [1, example.tokens.length], 'int32'))));
        const lp = (await logProbs.data()) as Float32Array;
        logProbs.dispose();
        for (let t = 1; t < example.tokens.length; t++) {
          if (example.lossMask[t] !== 1) continue;
          nll -= lp[(t - 1) * config.vocab_size + example.tokens[t]!]!;
          count++;
        }
      }
    }
    expect(Math.abs(Math.log(result.perplexity) - nll / count)).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
    disposeNamed(model.params);
  });
});
