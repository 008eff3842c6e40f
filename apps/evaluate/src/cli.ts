// `pnpm evaluate`: loads a base GPT-2 and a PEFT adapter, decodes the E2E test set's distinct MRs with beam search
// (key/value cache), prints BLEU, NIST, METEOR, ROUGE-L, CIDEr and reference perplexity, stores them with every
// output, and with --json ends with one JSON object on the last line of stdout.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { disposeNamed, evaluateE2E, groupE2EReferences } from '@splitlora/core';
import { ensureDataDir, loadTokenizer, selectNodeBackend } from '@splitlora/node';
import { EVALUATE_HELP, parseEvaluateOptions } from './evaluate-options.js';
import { loadEvaluatedModel } from './load-evaluated-model.js';

async function main(): Promise<void> {
  const options = parseEvaluateOptions(process.argv.slice(2));
  if (options === null) {
    process.stdout.write(EVALUATE_HELP);
    return;
  }
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const backend = await selectNodeBackend(options.backend);
  const dataDir = await ensureDataDir(options.dataDir, log);
  const dataPath = existsSync(options.data) ? resolve(options.data) : join(dataDir, options.data);
  if (!existsSync(dataPath)) throw new Error(`--data ${options.data}: no such file (also not in ${dataDir})`);
  const baseline = tf.memory().numTensors;
  const loaded = await loadEvaluatedModel(resolve(options.adapter), options.base, options.seed);
  const tokenizer = await loadTokenizer(loaded.tokenizerDir ?? join(dataDir, 'gpt2-tokenizer'));
  const all = groupE2EReferences(await readFile(dataPath, 'utf8'), dataPath);
  const items = options.samples === null ? all : all.slice(0, options.samples);
  const d = options.decoding;
  log(`base ${loaded.baseLabel}; adapter ${options.adapter}; tfjs ${backend.backend}`);
  log(`decoding ${items.length} of ${all.length} MRs: beam ${d.numBeams}, length penalty ${d.lengthPenalty}, no-repeat ${d.noRepeatNgramSize}-grams, ≤ ${d.maxNewTokens} tokens`);
  const started = Date.now();
  const result = await evaluateE2E(loaded.model, loaded.adapter, tokenizer, items, {
    decoding: d,
    promptBatch: options.batch,
    onProgress: (done, total) => {
      const elapsed = (Date.now() - started) / 1000;
      const eta = (elapsed / done) * (total - done);
      log(`[${'#'.repeat(Math.round((20 * done) / total)).padEnd(20, '.')}] ${done}/${total} MRs, ${elapsed.toFixed(1)} s, about ${eta.toFixed(0)} s left`);
    },
  });
  const summary = {
    bleu: result.bleu, nist: result.nist, meteor: result.meteor, rougeL: result.rougeL, cider: result.cider, perplexity: result.perplexity,
    meteorVariant: result.meteorVariant, samples: result.items, references: result.references, beam: d.numBeams,
    lengthPenalty: d.lengthPenalty, noRepeatNgram: d.noRepeatNgramSize, maxNewTokens: d.maxNewTokens, data: dataPath,
    adapter: resolve(options.adapter), base: loaded.baseLabel, baseWeights: loaded.weights, backend: backend.backend,
    decodeSeconds: result.decodeSeconds, secondsPerSample: result.decodeSeconds / result.items,
  };
  const out = options.out ?? join(options.adapter, 'e2e-evaluation.json');
  await writeFile(out, `${JSON.stringify({ ...summary, outputs: result.outputs }, null, 2)}\n`);
  disposeNamed(loaded.model.params);
  disposeNamed(loaded.adapter.tensors);
  const leaked = tf.memory().numTensors - baseline;
  if (leaked !== 0) log(`warning: ${leaked} tensors leaked`);
  if (!options.json) {
    log('');
    for (const o of result.outputs.slice(0, 3)) log(`MR:  ${o.mr}\nout: ${o.hyp}\nref: ${o.refs[0]}\n`);
    log(`BLEU ${(100 * summary.bleu).toFixed(2)}  NIST ${summary.nist.toFixed(2)}  METEOR* ${(100 * summary.meteor).toFixed(2)}  ROUGE-L ${(100 * summary.rougeL).toFixed(2)}  CIDEr ${summary.cider.toFixed(2)}  perplexity ${summary.perplexity.toFixed(2)}`);
    log(`(BLEU, METEOR, ROUGE-L × 100 as in the paper's tables; *${summary.meteorVariant})`);
    log(`${summary.decodeSeconds.toFixed(1)} s decoding (${summary.secondsPerSample.toFixed(2)} s per MR); stored in ${out}`);
  }
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
});
