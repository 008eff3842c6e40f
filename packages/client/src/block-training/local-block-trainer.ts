// FedCyBGD with the whole model in the tab: each round trains the server's chosen block with full parameters on the
// volunteer's data, without the server in the loop, and uploads that block.
import * as tf from '@tensorflow/tfjs-core';
import { type BaseModel, batchTensors, blockLossAndGrads, type Example, withTransposedHead } from '@splitlora/core';
import type { ClientManifest, RoundStart, TensorFrame } from '@splitlora/protocol';
import type { LocalRoundTrainer } from '../round-trainer.js';
import { BlockRound } from './block-round.js';

export class LocalBlockTrainer implements LocalRoundTrainer {
  readonly kind = 'local';
  private readonly round: BlockRound;

  /** Takes ownership of `model` (the whole model's base weights). */
  constructor(private readonly model: BaseModel, training: ClientManifest['training'], uploadDtype: 'float16' | 'float32', examples: readonly Example[], dataSeed: number) {
    // The head's transposed copy of the (never trained) wte makes the logits' product fast on wasm.
    this.round = new BlockRound({ ...model, params: withTransposedHead(model.params) }, model.config.n_layer, training, uploadDtype, examples, dataSeed);
  }

  startRound(msg: RoundStart): void {
    this.round.start(msg);
  }

  async localStep(_roundSeed: number, _step: number, globalStep: number): Promise<{ loss: number; tokens: number }> {
    const batch = this.round.stream.next();
    const bt = batchTensors(batch);
    const { loss, grads } = blockLossAndGrads(this.model.config, this.round.held.params, this.round.trained,
      { ids: bt.ids, targets: bt.targets, mask: bt.mask, normalizer: Math.max(batch.tokens, 1) }, 0);
    bt.dispose();
    const value = (await loss.data())[0]!;
    tf.dispose(loss);
    await this.round.apply(grads, globalStep);
    return { loss: value, tokens: batch.tokens };
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
