// Chooses a run's aggregation strategy once, from its config: FedAvg (or DP-FedAvg when the run has `dp` set) for the
// LoRA methods (splitlora, fedlora), FedCyBGD's per-block versions for the block-training ones, the hand-on for
// sequential SL. Each strategy lives in its own file.
import type { RunConfig } from '@splitlora/protocol';
import type { Gpt2Config } from '../config/gpt2-config.js';
import type { NamedHostTensors } from '../tensors/named-tensors.js';
import type { AggregationStrategy } from './aggregation-strategy.js';
import { CycleBlockStrategy } from './cycle-block-strategy.js';
import { DpFedAvgStrategy } from './dp-fedavg-strategy.js';
import { FedAvgStrategy } from './fedavg-strategy.js';
import { SequentialStrategy } from './sequential-strategy.js';

/** What a block-training strategy needs besides the config: the model's shape and its base weights. */
export interface StrategyModel {
  config: Gpt2Config;
  params: NamedHostTensors;
}

export interface StrategyContext {
  /** Rounds the run already completed (a resumed run): DP's accountant starts from them. */
  roundsDone?: number;
  /** The model, which block-training methods need. */
  model?: StrategyModel;
  /** A resumed block-training run: its blocks after the last completed round, and their versions. */
  blocks?: { versions: readonly number[]; tensors: NamedHostTensors };
}

export function strategyFor(config: RunConfig, context: StrategyContext = {}): AggregationStrategy {
  switch (config.method) {
    case 'splitlora':
    case 'fedlora':
      if (config.dp !== null) return new DpFedAvgStrategy(config.dp, { expectedParticipants: config.maxClients, roundsDone: context.roundsDone ?? 0 });
      return new FedAvgStrategy();
    case 'sl':
      return new SequentialStrategy();
    case 'cybgd':
    case 'cybgd-split': {
      const { model } = context;
      if (model === undefined) throw new Error(`method ${config.method} needs the model to build its strategy`);
      const { cycle } = config;
      return new CycleBlockStrategy({
        config: model.config, blocks: config.method === 'cybgd' ? model.config.n_layer : config.cut, schedule: cycle.schedule,
        downloadFraction: cycle.downloadFraction, downloadPick: cycle.downloadPick, seed: config.seed, initial: model.params,
        ...(context.blocks === undefined ? {} : { restored: { versions: context.blocks.versions, blocks: context.blocks.tensors } }),
      });
    }
  }
}
