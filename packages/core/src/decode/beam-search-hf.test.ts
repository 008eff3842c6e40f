// Beam search picks the same tokens as Hugging Face generate() (num_beams, length_penalty, no_repeat_ngram_size,
// end-of-text handling, early_stopping=false) on the tiny fixture checkpoint (tools/fixtures/make_beam_search_fixtures.py).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHfGpt2 } from '../io/hf-checkpoint.js';
import { disposeNamed, namedToTensors } from '../tensors/named-tensors.js';
import { useBackend } from '../test-support/backend.js';
import { dirSource, FIXTURES, readFixture } from '../test-support/fixtures.js';
import type { BaseModel } from '../train/split-steps.js';
import { beamSearch } from './beam-search.js';

interface HfBeamCase {
  prompt: number[];
  num_beams: number;
  length_penalty: number;
  no_repeat_ngram_size: number;
  eos_token_id: number;
  max_new_tokens: number;
  tokens: number[];
}

const fixture = readFixture<{ transformers: string; cases: HfBeamCase[] }>('beam-search.json');

describe(`beam search against transformers ${fixture.transformers} generate()`, () => {
  let model: BaseModel;
  beforeAll(async () => {
    await useBackend('wasm');
    const { config, params } = await loadHfGpt2(dirSource(join(FIXTURES, 'hf-tiny-gpt2')));
    model = { config, params: namedToTensors(params) };
    return () => disposeNamed(model.params);
  });

  it('covers greedy, several beam sizes, positive and negative length penalties, early end-of-text', () => {
    expect(new Set(fixture.cases.map((c) => c.num_beams)).size).toBeGreaterThanOrEqual(3);
    expect(fixture.cases.some((c) => c.length_penalty < 0)).toBe(true);
    expect(fixture.cases.some((c) => c.tokens.length > 0 && c.tokens.length < c.max_new_tokens)).toBe(true);
  });

  it.each(fixture.cases.map((c, i) => [i, c] as const))('case %i', async (_, c) => {
    const options = {
      numBeams: c.num_beams, lengthPenalty: c.length_penalty, noRepeatNgramSize: c.no_repeat_ngram_size,
      eosTokenId: c.eos_token_id, maxNewTokens: c.max_new_tokens,
    };
    const result = await beamSearch(model, null, c.prompt, options);
    expect(result.tokens).toEqual(c.tokens);
  });
});
