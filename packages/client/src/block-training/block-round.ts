// What both FedCyBGD trainers share: the held weights and their versions, the round's block optimizer (made from the
// server's block task), the data stream, the learning-rate schedule, and the upload of the trained block.
import {
  type BaseModel, BatchStream, type BlockOptimizer, DEFAULT_ADAMW, disposeNamed, type Example, learningRateAt, type NamedTensors, packBlocks,
  packedBlockName,
} from '@splitlora/core';
import { type ClientManifest, encodeFloatFrame, type RoundStart, type TensorFrame } from '@splitlora/protocol';
import { HeldBlocks } from './held-blocks.js';

export class BlockRound {
  readonly held: HeldBlocks;
  readonly stream: BatchStream;
  private optimizer: BlockOptimizer | null = null;

  /** Takes ownership of `model`'s tensors; the cycle runs over blocks [0, blocks). */
  constructor(model: BaseModel, blocks: number, readonly training: ClientManifest['training'], private readonly uploadDtype: 'float16' | 'float32', examples: readonly Example[], dataSeed: number) {
    this.held = new HeldBlocks(model.config, model.params, blocks);
    this.stream = new BatchStream(examples, {
      batchSize: training.batchSize, maxSeqLen: training.maxSeqLen, padMultiple: training.padMultiple, padTokenId: model.config.eos_token_id,
    }, dataSeed);
  }

  /** The round's block, trained from its held version with a fresh optimizer, after the downloads. */
  start(msg: RoundStart): void {
    if (msg.blockTask === undefined) throw new Error(`round ${msg.round} came without a block task; this run trains blocks`);
    this.held.apply(msg.blockTask);
    this.optimizer?.dispose();
    this.optimizer = this.held.train(msg.blockTask.block, { ...DEFAULT_ADAMW, weightDecay: this.training.weightDecay }, this.training.maxGradNorm);
  }

  /** The trained block's variables (they stand in for its held tensors in the forward). */
  get trained(): NamedTensors {
    if (this.optimizer === null) throw new Error('no round started');
    return this.optimizer.variables;
  }

  get block(): number {
    if (this.optimizer === null) throw new Error('no round started');
    return this.optimizer.block;
  }

  /** Clips and applies the gradients (disposed here) at the schedule's rate for `globalStep`. */
  async apply(grads: NamedTensors, globalStep: number): Promise<void> {
    const t = this.training;
    try {
      await this.optimizer!.apply(grads, learningRateAt({ lr: t.lr, warmupSteps: t.warmupSteps, totalSteps: t.totalSteps, kind: t.schedule }, globalStep));
    } finally {
      disposeNamed(grads);
    }
  }

  /** The trained block packed into one frame (block-packing.ts), in the run's upload precision. */
  async frames(): Promise<TensorFrame[]> {
    if (this.optimizer === null) throw new Error('no round started');
    const { block } = this.optimizer;
    const flat = packBlocks(this.held.config, [{ block, tensors: await this.optimizer.toHost() }]);
    return [encodeFloatFrame(packedBlockName(block), [flat.length], flat, this.uploadDtype)];
  }

  dispose(): void {
    this.optimizer?.dispose();
    this.optimizer = null;
    this.held.dispose();
  }
}
