// Full-parameter AdamW training of chosen GPT-2 parameters: owns their variables and the optimizer moments, clips by
// global norm, and keeps weight decay off biases and layer norms (and off chosen matrices, e.g. the embeddings);
// rows tied for several copies train as each copy would.
import * as tf from '@tensorflow/tfjs-core';
import type { Gpt2Config } from '../../config/gpt2-config.js';
import { fail } from '../../errors.js';
import { disposeNamed, type NamedHostTensors, type NamedTensors, tensorsToHost } from '../../tensors/named-tensors.js';
import { ownedVariable } from '../../tensors/owned-variable.js';
import { AdamW, type AdamWOptions } from '../adamw.js';
import { clipScale, globalNorm, scaleGradsInPlace } from '../grad-clip.js';
import { normSquaredWithCopies, perCopyGradient, type TiedRows } from './tied-rows.js';
import type { BaseModel } from '../split-steps.js';
import { checkTrainable, type FullParamBatch, fullParamLossAndGrads } from './full-param-grads.js';

export interface FullParamOptions {
  /** β₁, β₂, ε, and the weight decay of the decayed group. */
  adamw: AdamWOptions;
  /** Clipping by global norm over all trained gradients (torch's clip_grad_norm_); 0 turns it off. */
  maxGradNorm: number;
  labelSmoothing: number;
  /** Added to the logits inside the softmax (see HeadLossOptions.logitBias); the caller owns and disposes it. */
  logitBias?: tf.Tensor1D;
  /** Rows that stand for several tied copies: trained as each copy would be (see tied-rows.ts). */
  tiedRows?: TiedRows;
  /** Whether weight decay applies to a trained tensor; default `decaysByDefault`. */
  decays?: (name: string, shape: readonly number[]) => boolean;
}

/** nanoGPT's rule: decay matrices (Conv1D weights, wte, wpe), not biases or layer-norm gains (rank < 2). */
export function decaysByDefault(_name: string, shape: readonly number[]): boolean {
  return shape.length >= 2;
}

export interface FullParamStepResult {
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

export interface FullParamState {
  steps: number;
  decayed: Awaited<ReturnType<AdamW['exportState']>>;
  undecayed: Awaited<ReturnType<AdamW['exportState']>>;
}

export class FullParamTrainer {
  private readonly variables: Record<string, tf.Variable> = {};
  private readonly frozen: NamedTensors = {};
  private readonly decayedNames: string[];
  private readonly decayedOpt: AdamW;
  private readonly undecayedOpt: AdamW;

  /** `params` is the whole model (host copies); the names in `trainable` become variables, the rest stays frozen. */
  constructor(readonly config: Gpt2Config, params: NamedHostTensors, readonly trainable: readonly string[], readonly options: FullParamOptions) {
    checkTrainable(params, trainable);
    const wanted = new Set(trainable);
    for (const [name, host] of Object.entries(params)) {
      const tensor = tf.tensor(host.data, host.shape, 'float32');
      if (wanted.has(name)) this.variables[name] = ownedVariable(tensor, true);
      else this.frozen[name] = tensor;
    }
    const decays = options.decays ?? decaysByDefault;
    this.decayedNames = trainable.filter((name) => decays(name, params[name]!.shape));
    this.decayedOpt = new AdamW(options.adamw);
    this.undecayedOpt = new AdamW({ ...options.adamw, weightDecay: 0 });
  }

  /** Optimizer steps taken so far. */
  get steps(): number {
    return this.decayedOpt.steps;
  }

  /** One AdamW step at learning rate `lr`: loss and gradients, clipping, update. */
  async step(batch: FullParamBatch, lr: number): Promise<FullParamStepResult> {
    const { loss, grads } = fullParamLossAndGrads(this.config, this.table(), this.trainable, batch, this.options);
    try {
      const tied = this.options.tiedRows;
      if (tied !== undefined) perCopyGradient(grads, tied);
      const gradNorm = tied === undefined ? await globalNorm(grads) : Math.sqrt(await readScalar(normSquaredWithCopies(grads, tied)));
      if (!Number.isFinite(gradNorm)) fail('range', `gradient norm is ${gradNorm} at step ${this.steps + 1}`);
      if (this.options.maxGradNorm > 0) scaleGradsInPlace(grads, clipScale(gradNorm, this.options.maxGradNorm));
      const decayed = new Set(this.decayedNames);
      const pick = (keep: boolean) => Object.fromEntries(Object.entries(this.variables).filter(([name]) => decayed.has(name) === keep));
      this.decayedOpt.apply(pick(true), grads, lr);
      this.undecayedOpt.apply(pick(false), grads, lr);
      return { loss: (await loss.data())[0]!, gradNorm };
    } finally {
      loss.dispose();
      disposeNamed(grads);
    }
  }

  /** The model at its current values (tensors owned by the trainer: valid until the next step or dispose). */
  model(): BaseModel {
    return { config: this.config, params: this.table() };
  }

  /** The whole model's current values (trained and frozen), for saving a checkpoint. */
  exportParams(): Promise<NamedHostTensors> {
    return tensorsToHost(this.table());
  }

  /** The optimizer moments and step count, so training resumes exactly. */
  async exportState(): Promise<FullParamState> {
    return { steps: this.steps, decayed: await this.decayedOpt.exportState(), undecayed: await this.undecayedOpt.exportState() };
  }

  importState(state: FullParamState): void {
    this.decayedOpt.importState(state.decayed);
    this.undecayedOpt.importState(state.undecayed);
  }

  dispose(): void {
    disposeNamed(this.variables);
    disposeNamed(this.frozen);
    this.decayedOpt.dispose();
    this.undecayedOpt.dispose();
  }

  private table(): NamedTensors {
    return { ...this.frozen, ...this.variables };
  }
}

async function readScalar(t: tf.Scalar): Promise<number> {
  const value = (await t.data())[0]!;
  t.dispose();
  return value;
}
