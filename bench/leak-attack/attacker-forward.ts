// The attacker's own copy of the client blocks: the frozen base weights only (it never sees the volunteer's
// adapter). Runs token windows to every cut at once, and every vocabulary token alone through the blocks.
import * as tf from '@tensorflow/tfjs-core';
import {
  buildPrefixCache, candidateHiddenStates, clientPart, disposeNamed, expectedParamShapes, type ForwardContext, gpt2Forward,
  type Gpt2Config, type NamedHostTensors, namedToTensors,
} from '@splitlora/core';
import { throughWire, type WireDtype } from './wire.js';

/** Rows of one forward chunk (windows × positions, or vocabulary tokens). */
const ROWS_PER_CHUNK = 8192;

export class AttackerForward {
  readonly ctx: ForwardContext;

  /** Copies the base weights of blocks [0, maxCut) and the embeddings into tensors (owned; dispose()). */
  constructor(readonly config: Gpt2Config, hostParams: NamedHostTensors, readonly maxCut: number) {
    const names = Object.keys(expectedParamShapes(config, clientPart(maxCut)));
    this.ctx = { config, params: namedToTensors(Object.fromEntries(names.map((n) => [n, hostParams[n]!]))), lora: null, dropoutSeed: null };
  }

  /**
   * Windows (count, seqLen) of token ids → for each cut in `cuts`, the activations (count·seqLen, E) as they
   * would arrive through a wire of `dtype` (the attacker knows the run's wire format).
   */
  async windowActivations(windows: Int32Array, seqLen: number, cuts: readonly number[], dtype: WireDtype): Promise<Map<number, Float32Array>> {
    const E = this.config.n_embd;
    const count = windows.length / seqLen;
    const out = new Map(cuts.map((c) => [c, new Float32Array(count * seqLen * E)]));
    const sorted = [...cuts].sort((a, b) => a - b);
    const perChunk = Math.max(1, Math.floor(ROWS_PER_CHUNK / seqLen));
    for (let start = 0; start < count; start += perChunk) {
      const n = Math.min(perChunk, count - start);
      const ids = tf.tensor2d(windows.subarray(start * seqLen, (start + n) * seqLen), [n, seqLen], 'int32');
      let h: tf.Tensor3D | null = null;
      let at = 0;
      for (const cut of sorted) {
        const next: tf.Tensor3D = tf.tidy(() => gpt2Forward(this.ctx, h ?? ids, { from: at, to: cut })); // (n, seqLen, E)
        h?.dispose();
        h = next;
        at = cut;
        const values = throughWire(await h.data() as Float32Array, [n, seqLen, E], dtype);
        out.get(cut)!.set(values, start * seqLen * E);
      }
      tf.dispose([ids, h!]);
    }
    return out;
  }

  /** Every vocabulary token alone (position 0, no context) → its activation after each cut: (V, E) per cut. */
  async vocabularyTable(cuts: readonly number[]): Promise<Map<number, tf.Tensor2D>> {
    const V = this.config.vocab_size;
    const deepest = Math.max(...cuts);
    const parts = new Map<number, tf.Tensor2D[]>(cuts.map((c) => [c, []]));
    const empty = tf.zeros([1, 0], 'int32') as tf.Tensor2D;
    const cache = buildPrefixCache(this.ctx, empty, deepest);
    for (let start = 0; start < V; start += ROWS_PER_CHUNK) {
      const ids = tf.range(start, Math.min(V, start + ROWS_PER_CHUNK), 1, 'int32').reshape([1, -1]) as tf.Tensor2D;
      const states = candidateHiddenStates(this.ctx, cache, ids); // (1, n, E) after each block
      for (const cut of cuts) parts.get(cut)!.push(tf.squeeze(states[cut - 1]!, [0]));
      tf.dispose([ids, ...states]);
    }
    empty.dispose();
    return new Map(cuts.map((c) => {
      const joined = tf.concat(parts.get(c)!, 0) as tf.Tensor2D;
      tf.dispose(parts.get(c)!);
      return [c, joined];
    }));
  }

  dispose(): void {
    disposeNamed(this.ctx.params);
  }
}
