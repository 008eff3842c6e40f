// Step loops that sample tf.memory() as they go: the server split's step (ServerSplit) and the volunteer's client
// step (LocalTrainer: forward, frames, backward, AdamW; a round boundary every 10 steps).
import { LocalTrainer } from '@splitlora/client';
import { clientPart, createRng, type Example, gpt2Config, initAdapter, initGpt2Params, namedToTensors, normalSamples, SplitPlan } from '@splitlora/core';
import { encodeFloatFrame } from '@splitlora/protocol';
import { ServerSplit } from '@splitlora/server';
import * as tf from '@tensorflow/tfjs-core';
import { inProcessPlan } from '../lib/manifest.js';
import { round } from '../lib/stats.js';
import { benchRunConfig, randomStepInput, type ServerStepCase } from '../server/server-step.js';

export interface LeakSample {
  step: number;
  numTensors: number;
  mib: number;
}

export interface LeakTrace {
  side: 'server' | 'client';
  what: string;
  samples: LeakSample[];
  /** Every sample equals the first (taken after the warm-up step). */
  flat: boolean;
  /** After disposing the split or trainer, the count is back where it was before creating it. */
  releasedAll: boolean;
  seconds: number;
}

const CASE: ServerStepCase = { model: 'tiny', cut: 3, batch: 1, seq: 32 };

function sample(step: number): LeakSample {
  const m = tf.memory();
  return { step, numTensors: m.numTensors, mib: round(m.numBytes / 2 ** 20, 2) };
}

function finish(side: LeakTrace['side'], what: string, samples: LeakSample[], before: number, started: number): LeakTrace {
  return {
    side, what, samples, flat: samples.every((s) => s.numTensors === samples[0]!.numTensors), releasedAll: tf.memory().numTensors === before,
    seconds: round((performance.now() - started) / 1000, 1),
  };
}

async function loop(steps: number, every: number, log: (line: string) => void, side: string, step: (i: number) => Promise<void>): Promise<LeakSample[]> {
  await step(0); // warm-up: AdamW creates its moments on the first update
  const samples = [sample(0)];
  for (let i = 1; i <= steps; i++) {
    await step(i);
    if (i % every === 0) {
      samples.push(sample(i));
      log(`  ${side} step ${i}: ${samples.at(-1)!.numTensors} tensors`);
    }
  }
  return samples;
}

export async function traceServerSteps(steps: number, every: number, log: (line: string) => void): Promise<LeakTrace> {
  const started = performance.now();
  const before = tf.memory().numTensors;
  const config = gpt2Config(CASE.model);
  const run = benchRunConfig(CASE);
  const split = new ServerSplit(SplitPlan.create(config, CASE.cut, run.lora, CASE.model), initGpt2Params(config, 0), run, {
    serverAdapter: initAdapter(config, run.lora, CASE.cut, config.n_layer, 0), optimizer: null,
  });
  const input = randomStepInput(CASE, config.n_embd, config.vocab_size, 0);
  let samples: LeakSample[];
  try {
    samples = await loop(steps, every, log, 'server', async (i) => void (await split.step([{ ...input, globalStep: i }])));
  } finally {
    split.dispose();
  }
  return finish('server', 'ServerSplit.step on tiny, 1×32, SFL-V2 (clipping + AdamW)', samples, before, started);
}

export async function traceClientSteps(steps: number, every: number, log: (line: string) => void): Promise<LeakTrace> {
  const started = performance.now();
  const before = tf.memory().numTensors;
  const config = gpt2Config(CASE.model);
  const run = benchRunConfig(CASE);
  const rng = createRng(1);
  const examples: Example[] = Array.from({ length: 64 }, () => {
    const tokens = Array.from({ length: CASE.seq + 1 }, () => Math.floor(rng() * config.vocab_size));
    return { tokens, lossMask: tokens.map((_, i) => (i === 0 ? 0 : 1)) };
  });
  const model = { config, params: namedToTensors(initGpt2Params(config, 0, clientPart(CASE.cut))) };
  const { manifest, plan } = inProcessPlan(CASE.model, config, run);
  const trainer = new LocalTrainer(model, plan, manifest.training, examples, 0);
  const shape = [CASE.batch, CASE.seq, config.n_embd];
  const gradient = encodeFloatFrame('gradient', shape, normalSamples(rng, CASE.batch * CASE.seq * config.n_embd, 1e-4), run.wireDtype);
  let samples: LeakSample[];
  try {
    samples = await loop(steps, every, log, 'client', async (i) => {
      if (i > 0 && i % run.localSteps === 0) trainer.loadGlobal(await trainer.adapterFrames()); // a round boundary
      const pending = await trainer.forward(7, i);
      await trainer.backward(pending, gradient, i);
    });
  } finally {
    trainer.dispose();
  }
  return finish('client', `LocalTrainer forward + backward on tiny, 1×32 (fp16 frames), a new global adapter every ${run.localSteps} steps`, samples, before, started);
}
