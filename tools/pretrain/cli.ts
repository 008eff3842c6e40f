// `pnpm pretrain`: trains a GPT-2 preset from random weights on a text file with the project's own core (wasm
// backend in Node), then writes a Hugging Face checkpoint (fp16) and its model card, evaluated from the saved file.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { countElements, gpt2Config, loadHfGpt2, namedToTensors, disposeNamed, saveHfGpt2 } from '@splitlora/core';
import { dirSource, ensureDataDir, loadTokenizer, selectNodeBackend } from '@splitlora/node';
import { heldOutStarts, tokenizeCorpus } from './corpus.js';
import { heldOutLoss } from './held-out.js';
import { modelCard, type PretrainingRecord } from './model-card.js';
import { pretrain, scheduleOf } from './pretrain-loop.js';
import { decayFactor } from './tied-vocabulary.js';
import { parsePretrainOptions, PRETRAIN_HELP } from './pretrain-options.js';

async function main(): Promise<void> {
  const options = parsePretrainOptions(process.argv.slice(2));
  if (options === null) {
    process.stdout.write(PRETRAIN_HELP);
    return;
  }
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const backend = await selectNodeBackend('wasm');
  const dataDir = await ensureDataDir(options.dataDir, log);
  const textPath = isAbsolute(options.text) ? options.text : join(dataDir, options.text);
  const tokenizer = await loadTokenizer(join(dataDir, 'gpt2-tokenizer'));
  const corpus = tokenizeCorpus(await readFile(textPath, 'utf8'), tokenizer, options.trainFraction);
  const config = gpt2Config(options.preset as Parameters<typeof gpt2Config>[0]);
  log(`${options.name}: ${options.preset} on ${textPath} — ${corpus.train.length} training tokens, ${corpus.heldOut.length} held-out tokens; tfjs ${backend.detail}`);
  const { params, progress, vocabulary } = await pretrain(config, corpus, options, log);

  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  for (const [file, bytes] of Object.entries(saveHfGpt2(config, params, 'F16'))) await writeFile(join(out, file), bytes);
  log(`wrote ${out}/model.safetensors (fp16) and config.json; evaluating the saved weights on the held-out text`);
  const saved = await loadHfGpt2(dirSource(out));
  const model = { config: saved.config, params: namedToTensors(saved.params) };
  const record: PretrainingRecord = {
    text: options.text, trainFraction: options.trainFraction, seq: options.seq, sliceWindows: options.sliceWindows,
    sliceLoss: await heldOutLoss(model, corpus.heldOut, heldOutStarts(corpus.heldOut, options.seq, options.sliceWindows), options.seq),
    heldOutLoss: await heldOutLoss(model, corpus.heldOut, heldOutStarts(corpus.heldOut, options.seq), options.seq),
    heldOutTokens: corpus.heldOut.length,
  };
  disposeNamed(model.params);
  const cpu = cpus();
  const card = modelCard({
    name: options.name, config, parameters: Object.values(saved.params).reduce((n, t) => n + countElements(t.shape), 0), options, progress, record,
    trainTokens: corpus.train.length, trainChars: corpus.trainChars, heldOutChars: corpus.heldOutChars,
    machine: `${cpu.length}× ${cpu[0]?.model ?? 'unknown CPU'} shared with other jobs, Node ${process.version}, tfjs ${tf.version_core} ${backend.backend} (one thread)`,
    date: new Date().toISOString().slice(0, 10),
    tying: vocabulary === null ? null : {
      ownRows: vocabulary.shared, tiedTokens: vocabulary.tiedCount,
      decay: options.decayEmbeddings ? decayFactor(scheduleOf(options), options.steps, options.weightDecay) : 1,
    },
  });
  await writeFile(join(out, 'README.md'), card);
  log(`held-out loss ${record.heldOutLoss.toFixed(4)} (slice ${record.sliceLoss.toFixed(4)}); model card ${out}/README.md`);
  process.stdout.write(`${JSON.stringify({ out, steps: progress.step, minutes: progress.seconds / 60, ...record })}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`error: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
