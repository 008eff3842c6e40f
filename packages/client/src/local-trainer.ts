// The client split's side of a training step: forward to the cut and encode the activations, then take the
// gradient that came back, pull it through the client blocks and update the client adapter (AdamW). With activation
// noise on, each example's activations are clipped and noised before encoding (cut-noise.ts).
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW, type AdapterBinding, adapterBlocks, type BaseModel, BatchStream, batchTensors, clientForward, clientGrads, clipGradsByGlobalNorm, DEFAULT_ADAMW,
  disposeNamed, type Example, type GaussianNoise, learningRateAt, mixSeed, type NamedTensors, type SplitPlan, type TokenBatch,
  TrainableAdapter, transposedConv1dHelps, withTransposedConv1d,
} from '@splitlora/core';
import { type ClientManifest, decodeFloatFrame, encodeFloatFrame, type RoundStart, type TensorFrame, unpackFrames } from '@splitlora/protocol';
import { CutNoise, scaleByClipFactors } from './cut-noise.js';
import { labelFrames, type PendingStep } from './pending-step.js';
import type { SplitRoundTrainer } from './round-trainer.js';

export type { PendingStep } from './pending-step.js';

export class LocalTrainer implements SplitRoundTrainer {
  readonly kind = 'split';
  readonly adapter: TrainableAdapter;
  protected readonly optimizer: AdamW;
  private readonly stream: BatchStream;
  protected readonly model: BaseModel;
  /** Clips and noises the cut activations when the run asks for it; null: they leave as computed. */
  readonly cutNoise: CutNoise | null;

  /** Takes ownership of `model` (its tensors are disposed with the trainer). `noise`: a seeded generator for tests. */
  constructor(
    model: BaseModel,
    protected readonly plan: SplitPlan,
    protected readonly training: ClientManifest['training'],
    examples: readonly Example[],
    dataSeed: number,
    noise?: GaussianNoise,
  ) {
    // On wasm, transposed block weights make the backward's input gradients several times faster.
    this.model = transposedConv1dHelps() ? { ...model, params: withTransposedConv1d(model.params) } : model;
    const t = training;
    this.adapter = TrainableAdapter.ofLayout(plan.lora, plan.clientAdapterLayout(), plan.initClientAdapter(t.seed));
    this.optimizer = new AdamW({ ...DEFAULT_ADAMW, weightDecay: t.weightDecay });
    this.stream = new BatchStream(examples, {
      batchSize: t.batchSize, maxSeqLen: t.maxSeqLen, padMultiple: t.padMultiple, padTokenId: model.config.eos_token_id,
    }, dataSeed);
    this.cutNoise = t.activationNoise ? new CutNoise(t.activationNoise, this.stream.size, noise) : null;
  }

  /** Starts a round from the global adapter with a fresh optimizer (local training from the global model). */
  loadGlobal(frames: readonly TensorFrame[]): void {
    const host: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const frame of frames) host[frame.name] = { shape: frame.shape, data: decodeFloatFrame(frame) };
    this.adapter.load(host);
    this.optimizer.reset();
  }

  startRound(msg: RoundStart): void {
    this.loadGlobal(unpackFrames(msg.adapter));
  }

  updateFrames(): Promise<TensorFrame[]> {
    return this.adapterFrames();
  }

  blockVersions(): undefined {
    return undefined;
  }

  /** Draws the next batch, runs the client split, and encodes what goes to the server. */
  async forward(roundSeed: number, step: number): Promise<PendingStep> {
    const { batch, dropoutSeed, activations, clipScales } = await this.forwardToCut(roundSeed, step);
    return { batch, dropoutSeed, activations, clipScales, ...labelFrames(batch, this.model.config.vocab_size) };
  }

  /** Draws the next batch and runs the client's blocks up to the cut: the activations frame (noised if the run says so). */
  protected async forwardToCut(roundSeed: number, step: number): Promise<{ batch: TokenBatch; dropoutSeed: number; activations: TensorFrame; clipScales: Float32Array | null }> {
    const batch = this.stream.next();
    const dropoutSeed = mixSeed(roundSeed, step);
    const cut = await this.cutActivations(batch, dropoutSeed);
    this.cutNoise?.countTraining(batch.batchSize);
    return { batch, dropoutSeed, ...cut };
  }

  /**
   * The client's blocks [0, cut) on `batch` as a frame in the run's wire dtype, clipped and noised per example when
   * the run has activation noise (`clipScales`: each example's clip factor, for the gradient; null without noise).
   */
  protected async cutActivations(batch: TokenBatch, dropoutSeed: number | null): Promise<{ activations: TensorFrame; clipScales: Float32Array | null }> {
    const bt = batchTensors(batch);
    const hidden = clientForward(this.model, this.bottom(), bt.ids, this.plan, dropoutSeed);
    const values = (await hidden.data()) as Float32Array;
    const shape = [...hidden.shape];
    hidden.dispose();
    bt.dispose();
    const clipScales = this.cutNoise?.apply(values, batch.batchSize) ?? null;
    return { activations: encodeFloatFrame('activations', shape, values, this.training.wireDtype), clipScales };
  }

  /** Applies the gradient at the cut: recompute the forward (same dropout masks), backprop, clip, AdamW. */
  async backward(pending: PendingStep, gradient: TensorFrame, globalStep: number): Promise<void> {
    await this.step(this.cutGrads(pending, gradient), globalStep);
  }

  /** The adapter tensors of blocks [0, cut) (the whole client adapter in the standard layout). */
  protected bottom(): AdapterBinding {
    return this.plan.uShaped ? adapterBlocks(this.adapter, 0, this.plan.cut) : this.adapter;
  }

  /** Gradients of the bottom blocks' adapter from the gradient at the cut (the forward recomputed, same masks). */
  protected cutGrads(pending: { batch: TokenBatch; dropoutSeed: number; clipScales?: Float32Array | null }, gradient: TensorFrame): NamedTensors {
    const { batch } = pending;
    const E = this.model.config.n_embd;
    const expected = [batch.batchSize, batch.seqLen, E];
    if (gradient.shape.join() !== expected.join()) throw new Error(`gradient shape [${gradient.shape}] does not match activations [${expected}]`);
    const bt = batchTensors(batch);
    // With activation noise the server's gradient is with respect to the clipped activations: × each example's factor.
    const values = pending.clipScales ? scaleByClipFactors(decodeFloatFrame(gradient), pending.clipScales) : decodeFloatFrame(gradient);
    const grad = tf.tensor3d(values, expected as [number, number, number]);
    const grads = clientGrads(this.model, this.bottom(), bt.ids, this.plan, pending.dropoutSeed, grad);
    grad.dispose();
    bt.dispose();
    return grads;
  }

  /** Clip by global norm, AdamW at the schedule's rate; disposes `grads`. */
  protected async step(grads: NamedTensors, globalStep: number): Promise<void> {
    const t = this.training;
    if (t.maxGradNorm > 0) clipGradsByGlobalNorm(grads, t.maxGradNorm); // on the device: nothing is read back
    const lr = learningRateAt({ lr: t.lr, warmupSteps: t.warmupSteps, totalSteps: t.totalSteps, kind: t.schedule }, globalStep);
    this.optimizer.apply(this.adapter.tensors, grads, lr);
    disposeNamed(grads);
  }

  /** The adapter as fp32 frames (updates are averaged, so they travel at full precision). */
  async adapterFrames(): Promise<TensorFrame[]> {
    const host = await this.adapter.toHost();
    return Object.entries(host).map(([name, t]) => encodeFloatFrame(name, t.shape, t.data, 'float32'));
  }

  dispose(): void {
    this.adapter.dispose();
    this.optimizer.dispose();
    disposeNamed(this.model.params);
  }
}
