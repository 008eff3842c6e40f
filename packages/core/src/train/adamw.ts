// AdamW with decoupled weight decay (torch.optim.AdamW), over named tf.Variables updated in place.
// On WebGPU each tensor's update runs as one fused kernel (FUSED_ADAMW); the ops below are the reference.
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import { FUSED_ADAMW, fusedAdamWStep } from '../kernels/adamw-webgpu.js';
import { fusedKernelActive } from '../kernels/fused-dispatch.js';
import type { NamedHostTensors, NamedTensors } from '../tensors/named-tensors.js';
import { ownedVariable } from '../tensors/owned-variable.js';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

/** The moments and step count of an AdamW, as saved with a checkpoint. */
export interface AdamWState {
  steps: number;
  m: NamedHostTensors;
  v: NamedHostTensors;
}

/** LoRA's E2E recipe: betas (0.9, 0.999), eps 1e-6, weight decay 0.01 — the one default every party starts from. */
export const DEFAULT_ADAMW: AdamWOptions = { beta1: 0.9, beta2: 0.999, epsilon: 1e-6, weightDecay: 0.01 };

export class AdamW {
  private readonly m: Record<string, tf.Variable> = {};
  private readonly v: Record<string, tf.Variable> = {};
  /** Number of updates applied so far (for bias correction). */
  steps = 0;

  constructor(readonly options: AdamWOptions = DEFAULT_ADAMW) {}

  /** Applies one update to `params` from `grads` (same names) with learning rate `lr`. */
  apply(params: Record<string, tf.Variable>, grads: NamedTensors, lr: number): void {
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    this.steps += 1;
    const correction1 = 1 - beta1 ** this.steps;
    const correction2 = 1 - beta2 ** this.steps;
    const fused = fusedKernelActive('FUSED_ADAMW', FUSED_ADAMW);
    for (const [name, p] of Object.entries(params)) {
      const g = grads[name];
      if (g === undefined) fail('adapter', `no gradient for trainable tensor ${name}`);
      this.m[name] ??= ownedVariable(tf.zerosLike(p), false);
      this.v[name] ??= ownedVariable(tf.zerosLike(p), false);
      const m = this.m[name]!;
      const v = this.v[name]!;
      tf.tidy(() => {
        if (fused) {
          const [pNext, mNext, vNext] = fusedAdamWStep(p, g, m, v, { beta1, beta2, epsilon, correction1, correction2, lr, weightDecay });
          m.assign(mNext);
          v.assign(vNext);
          p.assign(pNext);
          return;
        }
        const mNext = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const vNext = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        const denom = tf.add(tf.sqrt(tf.div(vNext, correction2)), epsilon);
        const update = tf.div(tf.div(mNext, correction1), denom);
        const decayed = tf.mul(p, 1 - lr * weightDecay);
        m.assign(mNext);
        v.assign(vNext);
        p.assign(tf.sub(decayed, tf.mul(update, lr)));
      });
    }
  }

  /** The moments and step count, for saving with a run and resuming it. */
  async exportState(): Promise<AdamWState> {
    const read = async (table: Record<string, tf.Variable>): Promise<NamedHostTensors> => {
      const out: NamedHostTensors = {};
      for (const [name, t] of Object.entries(table)) out[name] = { shape: [...t.shape], data: Float32Array.from(await t.data() as Float32Array) };
      return out;
    };
    return { steps: this.steps, m: await read(this.m), v: await read(this.v) };
  }

  importState(state: AdamWState): void {
    this.dispose();
    this.steps = state.steps;
    for (const [name, host] of Object.entries(state.m)) this.m[name] = ownedVariable(tf.tensor(host.data, host.shape), false);
    for (const [name, host] of Object.entries(state.v)) this.v[name] = ownedVariable(tf.tensor(host.data, host.shape), false);
  }

  /** Forgets the moments (a fresh optimizer), e.g. when a new global adapter replaces the local one. */
  reset(): void {
    this.dispose();
    this.steps = 0;
  }

  dispose(): void {
    for (const table of [this.m, this.v]) {
      for (const name of Object.keys(table)) {
        table[name]!.dispose();
        delete table[name];
      }
    }
  }
}
