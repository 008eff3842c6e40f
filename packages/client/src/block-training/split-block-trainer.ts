// FedCyBGD in the split architecture (cybgd-split): the tab holds blocks [0, cut) and trains the server's chosen block
// among them with full parameters — the forward runs to the cut, the server answers with the gradient there, and the
// backward goes from the cut down to the trained block only.
import * as tf from '@tensorflow/tfjs-core';
import { type BaseModel, batchTensors, blockSplitForward, blockSplitGrads, type Example, type SplitPlan } from '@splitlora/core';
import { type ClientManifest, decodeFloatFrame, type RoundStart, type TensorFrame } from '@splitlora/protocol';
import { type PendingStep, pendingStep } from '../pending-step.js';
import type { SplitRoundTrainer } from '../round-trainer.js';
import { BlockRound } from './block-round.js';

export class SplitBlockTrainer implements SplitRoundTrainer {
  readonly kind = 'split';
  private readonly round: BlockRound;

  /** Takes ownership of `model` (the client split's base weights). */
  constructor(private readonly model: BaseModel, private readonly plan: SplitPlan, training: ClientManifest['training'], uploadDtype: 'float16' | 'float32', examples: readonly Example[], dataSeed: number) {
    this.round = new BlockRound(model, plan.cut, training, uploadDtype, examples, dataSeed);
  }

  startRound(msg: RoundStart): void {
    this.round.start(msg);
  }

  async forward(_roundSeed: number, _step: number): Promise<PendingStep> {
    const batch = this.round.stream.next();
    const bt = batchTensors(batch);
    const hidden = blockSplitForward(this.model.config, this.round.held.params, this.round.trained, bt.ids, this.plan.cut);
    bt.dispose();
    const values = (await hidden.data()) as Float32Array;
    const shape = [...hidden.shape];
    hidden.dispose();
    return pendingStep(batch, 0, { shape, values }, this.round.training.wireDtype, this.model.config.vocab_size);
  }

  async backward(pending: PendingStep, gradient: TensorFrame, globalStep: number): Promise<void> {
    const { batch } = pending;
    const expected = [batch.batchSize, batch.seqLen, this.model.config.n_embd] as [number, number, number];
    if (gradient.shape.join() !== expected.join()) throw new Error(`gradient shape [${gradient.shape}] does not match activations [${expected}]`);
    const bt = batchTensors(batch);
    const grad = tf.tensor3d(decodeFloatFrame(gradient), expected);
    const grads = blockSplitGrads(this.model.config, this.round.held.params, this.round.trained, this.round.block, bt.ids, this.plan.cut, grad);
    grad.dispose();
    bt.dispose();
    await this.round.apply(grads, globalStep);
  }

  updateFrames(): Promise<TensorFrame[]> {
    return this.round.frames();
  }

  blockVersions(): number[] {
    return this.round.held.versions;
  }

  dispose(): void {
    this.round.dispose();
  }
}
