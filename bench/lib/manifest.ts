// A ClientManifest for driving the volunteer's LocalTrainer in-process (no server, so no real assets), and the
// split plan a volunteer makes of it.
import { manifestPlan } from '@splitlora/client';
import type { Gpt2Config, SplitPlan } from '@splitlora/core';
import { type ClientManifest, DEFAULT_MAX_MESSAGE_BYTES, type RunConfig } from '@splitlora/protocol';

const NO_ASSET = { hash: '0'.repeat(64), bytes: 0, chunkBytes: 1, chunkCount: 0 };

export function inProcessManifest(modelName: string, config: Gpt2Config, run: RunConfig): ClientManifest {
  return {
    runId: 'bench', method: run.method, cycle: run.method === 'splitlora' ? null : run.cycle, model: { name: modelName, config: { ...config } }, split: { mode: 'standard', cut: run.cut }, lora: run.lora,
    training: {
      batchSize: run.batchSize, maxSeqLen: run.maxSeqLen, padMultiple: run.padMultiple, localSteps: run.localSteps, wireDtype: run.wireDtype,
      lr: run.lr, schedule: run.schedule, warmupSteps: run.warmupSteps, totalSteps: run.rounds * run.localSteps, weightDecay: run.weightDecay,
      maxGradNorm: run.maxGradNorm, seed: run.seed,
    },
    assets: { weights: NO_ASSET, tokenizer: NO_ASSET },
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  };
}

/** The in-process manifest and its split plan, checked as a volunteer checks a real one. */
export function inProcessPlan(modelName: string, config: Gpt2Config, run: RunConfig): { manifest: ClientManifest; plan: SplitPlan } {
  const manifest = inProcessManifest(modelName, config, run);
  return { manifest, plan: manifestPlan(manifest) };
}
