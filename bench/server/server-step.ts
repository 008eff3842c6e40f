// One server-split measurement: the real ServerSplit (blocks cut..L-1, ln_f, tied head, LoRA, clipping, AdamW)
// stepping on random cut activations of one batch shape, timed on the active tfjs backend.
import { createRng, gpt2Config, type Gpt2PresetName, initAdapter, initGpt2Params, normalSamples, SplitPlan } from '@splitlora/core';
import { runConfigSchema } from '@splitlora/protocol';
import { ServerSplit, type StepInput } from '@splitlora/server';
import { type TimeBoxOptions, timeSteps } from '../lib/timing.js';

export interface ServerStepCase {
  model: Gpt2PresetName;
  cut: number;
  batch: number;
  seq: number;
}

export interface ServerStepTiming {
  stepMs: number[];
  warmupMs: number[];
  tokensPerStep: number;
  finalLoss: number;
}

/** Random cut activations with the scale of GPT-2 hidden states, random targets, every position counted. */
export function randomStepInput(c: ServerStepCase, embd: number, vocab: number, seed: number): StepInput {
  const rng = createRng(seed);
  const n = c.batch * c.seq;
  const targets = new Int32Array(n);
  for (let i = 0; i < n; i++) targets[i] = Math.floor(rng() * vocab);
  return {
    clientId: 'bench', hidden: normalSamples(rng, n * embd, 1), batch: c.batch, seqLen: c.seq, targets,
    mask: new Float32Array(n).fill(1), tokens: n, globalStep: 0,
  };
}

export function benchRunConfig(c: ServerStepCase, sfl: 'v1' | 'v2' = 'v2') {
  return runConfigSchema.parse({
    name: 'bench', model: c.model, cut: c.cut, batchSize: c.batch, maxSeqLen: Math.max(8, c.seq), padMultiple: 1, sfl,
    rounds: 1000, localSteps: 10, schedule: 'constant',
  });
}

export async function measureServerStep(c: ServerStepCase, box: TimeBoxOptions, seed = 0): Promise<ServerStepTiming> {
  const config = gpt2Config(c.model);
  const run = benchRunConfig(c);
  const split = new ServerSplit(SplitPlan.create(config, c.cut, run.lora, c.model), initGpt2Params(config, seed), run, {
    serverAdapter: initAdapter(config, run.lora, c.cut, config.n_layer, seed), optimizer: null,
  });
  const input = randomStepInput(c, config.n_embd, config.vocab_size, seed);
  let finalLoss = Number.NaN;
  try {
    const { stepMs, warmupMs } = await timeSteps(box, async (index) => {
      const [out] = await split.step([{ ...input, globalStep: index }]);
      finalLoss = out!.loss;
    });
    return { stepMs, warmupMs, tokensPerStep: input.tokens, finalLoss };
  } finally {
    split.dispose();
  }
}
