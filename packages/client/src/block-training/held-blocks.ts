// The base weights a FedCyBGD volunteer holds, with the version of each block of the cycle: a round's downloads are
// applied here (a delta is added to the version it was computed against; a whole block replaces it), and the block it
// trains is copied out into a BlockOptimizer — the held weights stay at their version, so they remain what the
// server thinks the tab has.
import * as tf from '@tensorflow/tfjs-core';
import { type AdamWOptions, BlockOptimizer, blockParamShapes, disposeNamed, type Gpt2Config, type NamedTensors, unpackBlocks } from '@splitlora/core';
import { type BlockTask, decodeFloatFrame, type TensorFrame } from '@splitlora/protocol';

export class HeldBlocks {
  private versionsHeld: number[];

  /** Takes ownership of `params` (the volunteer's base weights, version 0 of every block). */
  constructor(readonly config: Gpt2Config, readonly params: NamedTensors, readonly blocks: number) {
    this.versionsHeld = new Array<number>(blocks).fill(0);
  }

  get versions(): number[] {
    return [...this.versionsHeld];
  }

  /** Applies a round's downloads; checks each against what the tab holds. */
  apply(task: BlockTask): void {
    if (!Number.isInteger(task.block) || task.block < 0 || task.block >= this.blocks) throw new Error(`the server asks to train block ${task.block}; this run's cycle has blocks 0..${this.blocks - 1}`);
    if (task.versions.length !== this.blocks) throw new Error(`the server sent ${task.versions.length} block versions for a cycle of ${this.blocks} blocks`);
    const deltas = task.downloads.filter((d) => d.base !== null);
    const wholes = task.downloads.filter((d) => d.base === null);
    const unpack = (list: typeof deltas, frame: TensorFrame | null, what: string) => {
      if (list.length === 0) return [];
      if (frame === null) throw new Error(`the server announced ${list.length} ${what} block(s) without sending them`);
      return unpackBlocks(this.config, list.map((d) => d.block), decodeFloatFrame(frame));
    };
    const tensors = [...unpack(deltas, task.deltas, 'delta'), ...unpack(wholes, task.wholes, 'whole')];
    [...deltas, ...wholes].forEach((d, i) => {
      const held = this.versionsHeld[d.block];
      if (held === undefined) throw new Error(`the server sent block ${d.block}, outside the cycle 0..${this.blocks - 1}`);
      if (d.base !== null && d.base !== held) throw new Error(`the server sent block ${d.block} as a delta against version ${d.base}; this tab holds version ${held}`);
      for (const [name, t] of Object.entries(tensors[i]!)) {
        const old = this.params[name]!;
        const values = tf.tensor(t.data, t.shape, 'float32');
        this.params[name] = d.base === null ? values : tf.tidy(() => tf.add(old, values));
        if (d.base !== null) values.dispose();
        old.dispose();
      }
      this.versionsHeld[d.block] = d.version;
    });
    if (task.versions.some((v, b) => v !== this.versionsHeld[b])) {
      throw new Error(`after the downloads this tab holds block versions [${this.versionsHeld.join(', ')}], the server expected [${task.versions.join(', ')}]`);
    }
  }

  /** An optimizer over a copy of `block`'s held tensors. */
  train(block: number, adamw: AdamWOptions, maxGradNorm: number): BlockOptimizer {
    const names = Object.keys(blockParamShapes(this.config, block));
    return new BlockOptimizer(block, Object.fromEntries(names.map((n) => [n, this.params[n]!])), adamw, maxGradNorm);
  }

  dispose(): void {
    disposeNamed(this.params);
  }
}
