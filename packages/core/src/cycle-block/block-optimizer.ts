// One block trained with full parameters for a round: its tensors as variables (copied from the held weights), AdamW
// with weight decay on matrices only (as the full-parameter trainer), clipping by global norm, and the result read back.
import * as tf from '@tensorflow/tfjs-core';
import type { AdamWOptions } from '../train/adamw.js';
import { AdamW } from '../train/adamw.js';
import { clipScale, globalNorm, scaleGradsInPlace } from '../train/grad-clip.js';
import { decaysByDefault } from '../train/full-param/full-param-trainer.js';
import { disposeNamed, type NamedHostTensors, type NamedTensors, tensorsToHost } from '../tensors/named-tensors.js';
import { ownedVariable } from '../tensors/owned-variable.js';
import { fail } from '../errors.js';

export class BlockOptimizer {
  readonly variables: Record<string, tf.Variable> = {};
  private readonly decayed: AdamW;
  private readonly undecayed: AdamW;

  /** `start`: the block's tensors (copied, the caller keeps them). */
  constructor(readonly block: number, start: NamedTensors, adamw: AdamWOptions, private readonly maxGradNorm: number) {
    for (const [name, t] of Object.entries(start)) this.variables[name] = ownedVariable(tf.clone(t), true);
    this.decayed = new AdamW(adamw);
    this.undecayed = new AdamW({ ...adamw, weightDecay: 0 });
  }

  get names(): string[] {
    return Object.keys(this.variables);
  }

  /** Clips `grads` (owned by the caller) by global norm and applies one AdamW step at `lr`; returns the norm before clipping. */
  async apply(grads: NamedTensors, lr: number): Promise<number> {
    const norm = await globalNorm(grads);
    if (!Number.isFinite(norm)) fail('range', `block ${this.block}: gradient norm is ${norm}`);
    if (this.maxGradNorm > 0) scaleGradsInPlace(grads, clipScale(norm, this.maxGradNorm));
    const pick = (decays: boolean) => Object.fromEntries(Object.entries(this.variables).filter(([name, v]) => decaysByDefault(name, v.shape) === decays));
    this.decayed.apply(pick(true), grads, lr);
    this.undecayed.apply(pick(false), grads, lr);
    return norm;
  }

  /** The block's current values. */
  toHost(): Promise<NamedHostTensors> {
    return tensorsToHost(this.variables);
  }

  dispose(): void {
    disposeNamed(this.variables);
    this.decayed.dispose();
    this.undecayed.dispose();
  }
}
