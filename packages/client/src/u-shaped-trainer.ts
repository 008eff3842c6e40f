// The tab's side of a u-shaped step: it keeps the bottom (embeddings + blocks [0, cut)) and the tail (blocks
// [tailCut, L), ln_f, the tied head). Bottom forward → (server) → tail loss and gradients, with the targets and mask
// that never leave the tab → (server) → bottom backward, one AdamW step over both. A held-out share of the tab's
// examples is kept for evaluation.
import * as tf from '@tensorflow/tfjs-core';
import {
  adapterBlocks, batchTensors, disposeNamed, evalBatches, type Example, type GaussianNoise, type NamedTensors, type SplitPlan, tailLoss, tailLossAndGrads, type BaseModel,
  type TokenBatch, withTransposedHead,
} from '@splitlora/core';
import { type ClientManifest, decodeFloatFrame, encodeFloatFrame, MAX_EVAL_BATCHES, type TensorFrame } from '@splitlora/protocol';
import { LocalTrainer } from './local-trainer.js';

/** Share of a tab's examples held out for evaluation (at least one when it has two or more). */
export const HELD_OUT_SHARE = 0.1;

/** A u-shaped step between its exchanges: the batch (targets and mask stay here), then the tail's gradients. */
export interface UShapedPendingStep {
  batch: TokenBatch;
  dropoutSeed: number;
  activations: TensorFrame;
  /** With activation noise: each example's clip factor for the gradient at the cut; else null. */
  clipScales: Float32Array | null;
  tailGrads: NamedTensors | null;
}

/** Every ⌈1/share⌉-th example is held out (deterministic: the same share every round). */
export function splitHeldOut(examples: readonly Example[], share = HELD_OUT_SHARE): { train: Example[]; heldOut: Example[] } {
  if (examples.length < 2) return { train: [...examples], heldOut: [] };
  const every = Math.max(2, Math.round(1 / share));
  const heldOut = examples.filter((_, i) => i % every === every - 1);
  if (heldOut.length === 0) heldOut.push(examples[examples.length - 1]!);
  return { train: examples.filter((e) => !heldOut.includes(e)), heldOut };
}

export class UShapedTrainer extends LocalTrainer {
  /** Held-out batches (at most MAX_EVAL_BATCHES), evaluated after each round's local steps. */
  readonly heldOutBatches: TokenBatch[];

  /** `heldOutEval`: hold out a share of the examples for evaluation (false when the server has its own eval set). */
  constructor(model: BaseModel, plan: SplitPlan, training: ClientManifest['training'], examples: readonly Example[], dataSeed: number, heldOutEval = true, noise?: GaussianNoise) {
    if (!plan.uShaped) throw new Error('a UShapedTrainer needs a u-shaped split plan');
    const { train, heldOut } = heldOutEval ? splitHeldOut(examples) : { train: [...examples], heldOut: [] };
    // The head's matMul against a transposed copy of wte (as the standard server's head does): 8× faster on wasm.
    super({ ...model, params: withTransposedHead(model.params) }, plan, training, train, dataSeed, noise);
    this.heldOutBatches = evalBatches(heldOut, {
      batchSize: training.batchSize, maxSeqLen: training.maxSeqLen, padMultiple: training.padMultiple, padTokenId: model.config.eos_token_id,
    }).filter((b) => b.tokens > 0).slice(0, MAX_EVAL_BATCHES);
  }

  /** Draws the next batch and runs the bottom: only the cut activations go to the server. */
  async cutForward(roundSeed: number, step: number): Promise<UShapedPendingStep> {
    return { ...(await this.forwardToCut(roundSeed, step)), tailGrads: null };
  }

  /**
   * The server's output → the tail, ln_f and the head with this batch's targets: the loss (kept here), the tail's
   * gradients (kept for the step) and the gradient of the server's output (sent back).
   */
  async headStep(pending: UShapedPendingStep, output: TensorFrame): Promise<{ loss: number; gradient: TensorFrame }> {
    const { batch } = pending;
    const shape = this.checkOutput(batch, output);
    const bt = batchTensors(batch);
    const h = tf.tensor3d(decodeFloatFrame(output), shape);
    const result = tailLossAndGrads(this.model, this.tail(), h, bt.targets, bt.mask, this.plan, batch.tokens, { dropoutSeed: pending.dropoutSeed });
    tf.dispose([h]);
    bt.dispose();
    this.discard(pending);
    pending.tailGrads = result.grads;
    const loss = (await result.loss.data())[0]!;
    const gradient = encodeFloatFrame('gradient', shape, (await result.gradOutput.data()) as Float32Array, this.training.wireDtype);
    tf.dispose([result.loss, result.gradOutput]);
    return { loss, gradient };
  }

  /** The gradient at the cut → the bottom's gradients; one clipped AdamW step over bottom and tail together. */
  async cutBackward(pending: UShapedPendingStep, gradient: TensorFrame, globalStep: number): Promise<void> {
    if (pending.tailGrads === null) throw new Error('the tail has not run for this step (headStep first)');
    const grads = { ...this.cutGrads(pending, gradient), ...pending.tailGrads };
    pending.tailGrads = null;
    await this.step(grads, globalStep);
  }

  /** Releases a step's tail gradients when it is given up between its exchanges. */
  discard(pending: UShapedPendingStep): void {
    if (pending.tailGrads !== null) disposeNamed(pending.tailGrads);
    pending.tailGrads = null;
  }

  /** A held-out batch's cut activations (no dropout; noised like the training ones, since they leave the tab too). */
  async evalActivations(batch: TokenBatch): Promise<TensorFrame> {
    const { activations } = await this.cutActivations(batch, null);
    this.cutNoise?.countEval(batch);
    return activations;
  }

  /** Mean loss per counted token of a held-out batch, from the server's output for it. */
  async evalLoss(batch: TokenBatch, output: TensorFrame): Promise<number> {
    const shape = this.checkOutput(batch, output);
    const bt = batchTensors(batch);
    const h = tf.tensor3d(decodeFloatFrame(output), shape);
    const loss = tailLoss(this.model, this.tail(), h, bt.targets, bt.mask, this.plan, batch.tokens);
    tf.dispose(h);
    bt.dispose();
    const value = (await loss.data())[0]!;
    loss.dispose();
    return value;
  }

  private tail() {
    return adapterBlocks(this.adapter, this.plan.tailCut, this.plan.config.n_layer);
  }

  private checkOutput(batch: TokenBatch, output: TensorFrame): [number, number, number] {
    const shape: [number, number, number] = [batch.batchSize, batch.seqLen, this.model.config.n_embd];
    if (output.shape.join() !== shape.join()) throw new Error(`the server's output has shape [${output.shape}], expected [${shape}]`);
    return shape;
  }
}
