// `pnpm bench decode`: beam search over E2E meaning representations with the key/value cache against recomputing
// the whole sequence each step (the peer measured in the same run), per backend: seconds per MR, generated tokens
// per second, the speed-up, and whether both picked the same tokens.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  beamSearch, completionPrompt, gpt2Config, groupE2EReferences, initGpt2Params, namedToTensors, disposeNamed, withTransposedHead,
} from '@splitlora/core';
import * as tf from '@tensorflow/tfjs-core';
import { activateNodeBackend, type NodeBackendName } from '../lib/backends.js';
import { benchTokenizer, requireDataDir } from '../lib/data.js';
import { type BenchOptions, type BenchReport, type Cell, defineBenchmark } from '../lib/report.js';
import { round } from '../lib/stats.js';

export const decodeBenchmark = defineBenchmark('decode', [
  { name: 'backends', value: 'LIST', help: 'Node backends (default wasm)' },
  { name: 'samples', value: 'N', help: 'E2E test-set MRs (default 5)' },
  { name: 'beam', value: 'K', help: 'beam size (default 10, the paper\'s)' },
  { name: 'max-new-tokens', value: 'N', help: 'generated tokens at most (default 40)' },
], runDecodeBench);

async function runDecodeBench({ smoke, flags, log }: BenchOptions): Promise<BenchReport> {
  const backends = flags.list('backends', ['wasm'], ['wasm', 'cpu', 'tensorflow']) as NodeBackendName[];
  const samples = flags.numbers('samples', [smoke ? 1 : 5])[0]!;
  const numBeams = flags.numbers('beam', [smoke ? 3 : 10])[0]!;
  const maxNewTokens = flags.numbers('max-new-tokens', [smoke ? 6 : 40])[0]!;
  // The `tiny` architecture with random weights (seed 0): a random model rarely ends early, so every MR decodes
  // maxNewTokens tokens and the two paths do the same amount of work.
  const config = smoke ? gpt2Config('tiny', { n_layer: 2 }) : gpt2Config('tiny');
  const tokenizer = await benchTokenizer();
  const items = groupE2EReferences(await readFile(join(requireDataDir(), 'e2e', 'testset_w_refs.csv'), 'utf8')).slice(0, samples);
  const prompts = items.map((item) => tokenizer.encode(completionPrompt(item.mr)));
  const results: Record<string, unknown>[] = [];
  for (const backend of backends) {
    const activation = await activateNodeBackend(backend);
    if (!activation.ok) {
      results.push({ backend, status: 'unavailable', reason: activation.reason });
      continue;
    }
    const model = { config, params: withTransposedHead(namedToTensors(initGpt2Params(config, 0))) };
    const before = tf.memory().numTensors;
    const run = async (useCache: boolean) => {
      const started = performance.now();
      const outputs: number[][] = [];
      for (const prompt of prompts) {
        outputs.push((await beamSearch(model, null, prompt, { numBeams, lengthPenalty: 0.8, noRepeatNgramSize: 4, maxNewTokens, eosTokenId: tokenizer.eosTokenId, useCache })).tokens);
      }
      const seconds = (performance.now() - started) / 1000;
      const tokens = outputs.reduce((n, o) => n + o.length, 0);
      log(`${backend} ${useCache ? 'cache' : 'full recompute'}: ${(seconds / prompts.length).toFixed(2)} s per MR, ${(tokens / seconds).toFixed(1)} tokens/s`);
      return { seconds, tokens, outputs };
    };
    const cached = await run(true);
    const full = await run(false);
    const leaked = tf.memory().numTensors - before;
    disposeNamed(model.params);
    results.push({
      backend, status: 'ok', samples: prompts.length, numBeams, maxNewTokens,
      cacheSecondsPerMr: round(cached.seconds / prompts.length, 3), fullSecondsPerMr: round(full.seconds / prompts.length, 3),
      cacheTokensPerSecond: round(cached.tokens / cached.seconds, 2), fullTokensPerSecond: round(full.tokens / full.seconds, 2),
      speedup: round(full.seconds / cached.seconds, 2), sameTokens: JSON.stringify(cached.outputs) === JSON.stringify(full.outputs), tensorsLeaked: leaked,
    });
  }
  const rows: Cell[][] = results.map((r) => [
    r['backend'] as string, (r['cacheSecondsPerMr'] as number | undefined) ?? (r['status'] as string), (r['fullSecondsPerMr'] as number | undefined) ?? null,
    (r['cacheTokensPerSecond'] as number | undefined) ?? null, (r['speedup'] as number | undefined) ?? null,
    r['sameTokens'] === undefined ? null : String(r['sameTokens']),
  ]);
  return {
    name: 'decode',
    tables: [{
      title: `Beam search (beam ${numBeams}, length penalty 0.8, no-repeat 4-grams, ${maxNewTokens} tokens) on ${config.n_layer}-block tiny, ${samples} E2E MRs`,
      columns: ['backend', 'cache s/MR', 'full s/MR', 'cache tokens/s', 'speed-up', 'same tokens'],
      rows,
      notes: results.filter((r) => r['status'] !== 'ok').map((r) => `${r['backend']}: ${r['reason']}`),
    }],
    json: { config: { n_layer: config.n_layer, n_embd: config.n_embd }, results },
  };
}
