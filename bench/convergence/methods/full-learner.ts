// A learner holding the whole model with LoRA on every block (centralized training and each FedAvg client):
// fused head + loss, clipping, AdamW on the batches it is given.
import {
  AdamW, BatchStream, batchTensors, clipGradsByGlobalNorm, DEFAULT_ADAMW, disposeNamed, type Example, fullLossAndGrads, mixSeed,
  type NamedHostTensors, type TokenBatch, TrainableAdapter,
} from '@splitlora/core';
import type { World } from '../setup.js';

/** Client i's batches: the same stream (examples, seed, padding) as the split methods' LocalTrainer draws. */
export function shardStream(world: World, examples: readonly Example[], index: number): BatchStream {
  const { settings, config, run } = world;
  return new BatchStream(examples, { batchSize: settings.batch, maxSeqLen: settings.maxSeqLen, padMultiple: run.padMultiple, padTokenId: config.eos_token_id }, mixSeed(settings.seed, index));
}

export class FullLearner {
  readonly adapter: TrainableAdapter;
  private readonly optimizer: AdamW;

  constructor(private readonly world: World) {
    const { config, lora, settings, run } = world;
    this.adapter = TrainableAdapter.init(config, lora, 0, config.n_layer, settings.seed);
    this.optimizer = new AdamW({ ...DEFAULT_ADAMW, weightDecay: run.weightDecay });
  }

  /** One step on `batch`; returns its trained (counted) tokens. */
  async step(batch: TokenBatch, dropoutSeed: number): Promise<number> {
    const bt = batchTensors(batch);
    const { loss, grads } = fullLossAndGrads(this.world.fullModel, this.adapter, bt.ids, bt.targets, bt.mask, batch.tokens, { dropoutSeed });
    bt.dispose();
    loss.dispose();
    clipGradsByGlobalNorm(grads, this.world.run.maxGradNorm);
    this.optimizer.apply(this.adapter.tensors, grads, this.world.settings.lr);
    disposeNamed(grads);
    return batch.tokens;
  }

  /** Starts from a global adapter with a fresh optimizer (a federated round). */
  load(values: NamedHostTensors): void {
    this.adapter.load(values);
    this.optimizer.reset();
  }

  dispose(): void {
    this.adapter.dispose();
    this.optimizer.dispose();
  }
}
