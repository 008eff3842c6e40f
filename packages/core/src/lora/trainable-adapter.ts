// A LoRA adapter held as tf.Variables: the one owner of the trainable tensors of one party (client or server).
import * as tf from '@tensorflow/tfjs-core';
import type { Gpt2Config } from '../config/gpt2-config.js';
import type { LoraConfig } from '../config/lora-config.js';
import { fail, formatShape } from '../errors.js';
import { type NamedHostTensors, type NamedTensors, sameShape, tensorsToHost } from '../tensors/named-tensors.js';
import { adapterLayout, initAdapter } from './adapter-layout.js';
import { ownedVariable } from '../tensors/owned-variable.js';

export class TrainableAdapter {
  readonly tensors: Record<string, tf.Variable>;

  private constructor(
    readonly config: LoraConfig,
    readonly layout: Record<string, number[]>,
    values: NamedHostTensors,
  ) {
    this.tensors = {};
    for (const [name, shape] of Object.entries(layout)) {
      const host = values[name];
      if (host === undefined) fail('adapter', `adapter is missing ${name}`);
      if (!sameShape(host.shape, shape)) fail('adapter', `adapter tensor ${name}: expected shape ${formatShape(shape)}, found ${formatShape(host.shape)}`);
      this.tensors[name] = ownedVariable(tf.tensor(host.data, shape, 'float32'), true);
    }
    const extra = Object.keys(values).filter((name) => !(name in layout));
    if (extra.length > 0) fail('adapter', `adapter has tensors outside blocks it covers: ${extra.slice(0, 3).join(', ')}`);
  }

  /** A fresh adapter for blocks [fromLayer, toLayer) with PEFT's initialisation. */
  static init(model: Gpt2Config, lora: LoraConfig, fromLayer: number, toLayer: number, seed: number): TrainableAdapter {
    const layout = adapterLayout(model, lora, fromLayer, toLayer);
    return new TrainableAdapter(lora, layout, initAdapter(model, lora, fromLayer, toLayer, seed));
  }

  /** An adapter from given values, checked name by name and shape by shape against the layout. */
  static fromHost(model: Gpt2Config, lora: LoraConfig, fromLayer: number, toLayer: number, values: NamedHostTensors): TrainableAdapter {
    return new TrainableAdapter(lora, adapterLayout(model, lora, fromLayer, toLayer), values);
  }

  /** An adapter over any set of blocks (a u-shaped client's bottom and tail), checked against `layout`. */
  static ofLayout(lora: LoraConfig, layout: Record<string, number[]>, values: NamedHostTensors): TrainableAdapter {
    return new TrainableAdapter(lora, layout, values);
  }

  get names(): string[] {
    return Object.keys(this.tensors);
  }

  /** The tensors as a plain table (same objects; do not dispose them). */
  asTable(): NamedTensors {
    return { ...this.tensors };
  }

  /** Replaces every value (e.g. with a new global adapter after FedAvg), checking names and shapes. */
  load(values: NamedHostTensors): void {
    for (const [name, variable] of Object.entries(this.tensors)) {
      const host = values[name];
      if (host === undefined) fail('adapter', `new adapter values are missing ${name}`);
      if (!sameShape(host.shape, variable.shape)) fail('adapter', `adapter tensor ${name}: expected shape ${formatShape(variable.shape)}, found ${formatShape(host.shape)}`);
    }
    for (const [name, variable] of Object.entries(this.tensors)) {
      const host = values[name]!;
      tf.tidy(() => variable.assign(tf.tensor(host.data, host.shape, 'float32')));
    }
  }

  toHost(): Promise<NamedHostTensors> {
    return tensorsToHost(this.tensors);
  }

  dispose(): void {
    for (const v of Object.values(this.tensors)) v.dispose();
  }
}
