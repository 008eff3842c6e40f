// What a run shows to others, as pure functions of its state: the public run info, the dashboard's snapshot
// (with parameter counts), and the manifest a client needs to train its split.
import { activationNoiseFigures, blockParamShapes, countAdapterParams, countElements, expectedParamShapes, type SplitPlan } from '@splitlora/core';
import { type AssetInfo, type ClientManifest, type RunConfig, type RunInfo, type RunLeakage, type RunSnapshot, trainsBlocks } from '@splitlora/protocol';
import type { RoundMachine } from './round-machine.js';

export function runInfo(runId: string, config: RunConfig, modelName: string, machine: RoundMachine): RunInfo {
  return { runId, name: config.name, state: machine.state, round: machine.round, rounds: config.rounds, model: modelName, sfl: config.sfl };
}

export function runSnapshot(
  info: RunInfo, config: RunConfig, plan: SplitPlan, machine: RoundMachine, error: string | null, leakage: RunLeakage | null = null, blockVersions?: number[],
): RunSnapshot {
  const c = plan.config;
  const total = Object.values(expectedParamShapes(c)).reduce((s, shape) => s + countElements(shape), 0);
  const client = Object.values(plan.clientParamShapes()).reduce((s, shape) => s + countElements(shape), 0);
  return {
    ...info, config, participants: [...machine.participants.keys()], roundStartedAt: machine.roundStartedAt,
    completedRounds: machine.completedRounds, error, leakage,
    // Planned: each example sent once per round (a volunteer's real count depends on its data; its tab reports it).
    activationNoise: config.activationNoise === null ? null : activationNoiseFigures(config.activationNoise, config.rounds), ...(machine.turns === null ? {} : { turn: machine.turns.state() }),
    ...(blockVersions === undefined ? {} : { blockVersions }),
    modelSummary: {
      name: plan.modelName, layers: c.n_layer, embd: c.n_embd, totalParams: total, clientParams: client,
      // Block methods train one whole block per round with full parameters; LoRA methods their adapter.
      clientTrainable: trainsBlocks(config.method) ? countAdapterParams(blockParamShapes(c, 0)) : countAdapterParams(plan.clientAdapterLayout()),
      serverTrainable: countAdapterParams(plan.serverAdapterLayout()),
    },
  };
}

export function clientManifest(
  runId: string, c: RunConfig, plan: SplitPlan, assets: { weights: AssetInfo; tokenizer: AssetInfo }, maxMessageBytes: number,
): ClientManifest {
  return {
    runId,
    method: c.method,
    cycle: trainsBlocks(c.method) ? c.cycle : null,
    model: { name: plan.modelName, config: { ...plan.config } },
    split: plan.layout,
    lora: plan.lora,
    training: {
      batchSize: c.batchSize, maxSeqLen: c.maxSeqLen, padMultiple: c.padMultiple, localSteps: c.localSteps, wireDtype: c.wireDtype,
      lr: c.lr, schedule: c.schedule, warmupSteps: c.warmupSteps, totalSteps: c.rounds * c.localSteps, weightDecay: c.weightDecay,
      maxGradNorm: c.maxGradNorm, seed: c.seed, labelSmoothing: c.labelSmoothing, activationNoise: c.activationNoise,
    },
    assets,
    maxMessageBytes,
    heldOutEval: plan.uShaped && c.evalData === null,
  };
}
