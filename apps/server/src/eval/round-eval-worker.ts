// The server's evaluation thread: decodes the first MRs of the E2E test set with one round's client + server
// adapters (the core's beam search with a key/value cache, the paper's settings) and scores them, on its own tfjs
// backend, so the training steps on the main thread go on.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import {
  disposeNamed, evaluateE2E, gpt2Config, groupE2EReferences, importPeftAdapter, initGpt2Params, isGpt2PresetName, loadHfGpt2,
  namedToTensors, PAPER_DECODING,
} from '@splitlora/core';
import { dirSource, loadTokenizer, selectNodeBackend } from '@splitlora/node';
import { roundDir } from '../run/run-store.js';
import type { RoundEvalInput, RoundEvalReport } from './round-eval-messages.js';

const input = (workerData as { input: RoundEvalInput }).input;
const post = (report: RoundEvalReport) => parentPort!.postMessage(report);

async function loadBase(base: RoundEvalInput['base']) {
  if ('dir' in base) return loadHfGpt2(dirSource(base.dir));
  if (!isGpt2PresetName(base.preset)) throw new Error(`unknown preset ${base.preset}`);
  const config = gpt2Config(base.preset);
  return { config, params: initGpt2Params(config, base.seed) };
}

async function main(): Promise<void> {
  await selectNodeBackend('wasm');
  const { config, params } = await loadBase(input.base);
  const dir = roundDir(input.runDir, input.round);
  const client = await importPeftAdapter(config, dirSource(join(dir, 'client-adapter')));
  const server = await importPeftAdapter(config, dirSource(join(dir, 'server-adapter')));
  const tokenizer = await loadTokenizer(input.tokenizerDir);
  const items = groupE2EReferences(await readFile(input.dataPath, 'utf8'), input.dataPath).slice(0, input.samples);
  const model = { config, params: namedToTensors(params) };
  const adapter = { config: client.config, tensors: namedToTensors({ ...client.tensors, ...server.tensors }) };
  try {
    const result = await evaluateE2E(model, adapter, tokenizer, items, {
      decoding: PAPER_DECODING, onProgress: (done, total) => post({ type: 'progress', done, total }),
    });
    const { bleu, nist, meteor, rougeL, cider, perplexity } = result;
    post({ type: 'done', scores: { bleu, nist, meteor, rougeL, cider, perplexity }, outputs: result.outputs, decodeSeconds: result.decodeSeconds });
  } finally {
    disposeNamed(model.params);
    disposeNamed(adapter.tensors);
  }
}

main().catch((error: Error) => post({ type: 'failed', message: error.message }));
