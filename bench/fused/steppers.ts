// The two training steps whose kernels `pnpm bench fused` counts, as objects that step and dispose: the server's
// (ServerSplit.step: blocks cut..L-1, ln_f, tied head with cross-entropy, LoRA, clipping, AdamW, reads) and the
// volunteer's (forward to the cut, fp16 frames, recomputed forward + backward, clipping, AdamW).
import { gpt2Config, type Gpt2PresetName, initAdapter, initGpt2Params, type LoraConfig } from '@splitlora/core';
import { ServerSplit } from '@splitlora/server';
import { createClientStepper } from '../client/client-step.js';
import { benchRunConfig, randomStepInput } from '../server/server-step.js';

export type Side = 'server' | 'client';

export interface StepCase {
  model: Gpt2PresetName;
  cut: number;
  batch: number;
  seq: number;
}

export interface Stepper {
  step(index: number): Promise<void>;
  dispose(): void;
}

function serverStepper(c: StepCase, seed: number): Stepper {
  const config = gpt2Config(c.model);
  const run = benchRunConfig(c);
  const split = new ServerSplit(config, initGpt2Params(config, seed), run, {
    serverAdapter: initAdapter(config, run.lora as LoraConfig, c.cut, config.n_layer, seed), optimizer: null,
  });
  const input = randomStepInput(c, config.n_embd, config.vocab_size, seed);
  return {
    step: async (index) => void (await split.step([{ ...input, globalStep: index }])),
    dispose: () => split.dispose(),
  };
}

export function createStepper(side: Side, c: StepCase, seed = 0): Stepper {
  return side === 'server' ? serverStepper(c, seed) : createClientStepper(c, seed);
}
