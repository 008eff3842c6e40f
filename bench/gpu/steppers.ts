// The two steps the GPU benchmark times, as the parties run them: the server's real ServerSplit.step on random cut
// activations, and the volunteer's client step (bench/client/client-step.ts mirrors LocalTrainer), ending with a
// read that waits for the device so each step's time is whole.
import { gpt2Config, initAdapter, initGpt2Params, SplitPlan } from '@splitlora/core';
import { ServerSplit } from '@splitlora/server';
import { createClientStepper } from '../client/client-step.js';
import { benchRunConfig, randomStepInput } from '../server/server-step.js';
import type { GpuCase } from './gpu-cases.js';

export interface Stepper {
  tokensPerStep: number;
  step(index: number): Promise<void>;
  /** The last step's loss (server) or null. */
  lastLoss(): number | null;
  dispose(): void;
}

export function createStepper(c: GpuCase, seed = 0): Stepper {
  return c.part === 'server' ? serverStepper(c, seed) : clientStepper(c, seed);
}

function serverStepper(c: GpuCase, seed: number): Stepper {
  const config = gpt2Config(c.model);
  const run = benchRunConfig(c);
  const split = new ServerSplit(SplitPlan.create(config, c.cut, run.lora, c.model), initGpt2Params(config, seed), run, {
    serverAdapter: initAdapter(config, run.lora, c.cut, config.n_layer, seed), optimizer: null,
  });
  const input = randomStepInput(c, config.n_embd, config.vocab_size, seed);
  let loss: number | null = null;
  return {
    tokensPerStep: input.tokens,
    async step(index) {
      const [out] = await split.step([{ ...input, globalStep: index }]); // resolves once the gradient is on the host
      loss = out!.loss;
    },
    lastLoss: () => loss,
    dispose: () => split.dispose(),
  };
}

function clientStepper(c: GpuCase, seed: number): Stepper {
  const stepper = createClientStepper(c, seed);
  return {
    tokensPerStep: stepper.tokensPerStep,
    async step(index) {
      await stepper.step(index);
      await stepper.sync();
    },
    lastLoss: () => null,
    dispose: () => stepper.dispose(),
  };
}
