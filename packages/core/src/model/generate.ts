// Text generation from a prompt: greedy or temperature/top-k sampling, stopping at end-of-text.
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../data/rng.js';
import type { AdapterBinding, BaseModel } from '../train/split-steps.js';
import type { ForwardContext } from './forward-context.js';
import { gpt2Forward } from './gpt2-forward.js';

export interface GenerateOptions {
  maxNewTokens: number;
  /** Greedy decoding when true; otherwise sampling with temperature and top-k. */
  greedy: boolean;
  temperature?: number;
  topK?: number;
  seed?: number;
  /** Stops when this token is produced (usually end-of-text). */
  stopTokenId?: number;
}

/** Picks the next token from one row of logits on the host. */
export function pickToken(logits: Float32Array, options: GenerateOptions, random: () => number): number {
  if (options.greedy) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    return best;
  }
  const temperature = Math.max(options.temperature ?? 1, 1e-4);
  const k = Math.min(options.topK ?? 50, logits.length);
  const indices = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]!).slice(0, k);
  const max = logits[indices[0]!]!;
  const weights = indices.map((i) => Math.exp((logits[i]! - max) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let u = random() * total;
  for (let j = 0; j < indices.length; j++) {
    u -= weights[j]!;
    if (u <= 0) return indices[j]!;
  }
  return indices[indices.length - 1]!;
}

/** Generates up to maxNewTokens ids after `prompt` (recomputing the window each step; fine for short outputs). */
export async function generate(model: BaseModel, adapter: AdapterBinding | null, prompt: readonly number[], options: GenerateOptions): Promise<number[]> {
  const ctx: ForwardContext = { config: model.config, params: model.params, lora: adapter, dropoutSeed: null };
  const random = createRng(options.seed ?? 0);
  const tokens = [...prompt];
  const out: number[] = [];
  for (let step = 0; step < options.maxNewTokens; step++) {
    const window = tokens.slice(-model.config.n_positions);
    const last = tf.tidy(() => {
      const ids = tf.tensor2d(window, [1, window.length], 'int32');
      const logits = gpt2Forward(ctx, ids); // (1, T, V)
      return tf.reshape(tf.slice(logits, [0, window.length - 1, 0], [1, 1, model.config.vocab_size]), [-1]); // (V)
    });
    const values = (await last.data()) as Float32Array;
    last.dispose();
    const next = pickToken(values, options, random);
    if (next === options.stopTokenId) break;
    tokens.push(next);
    out.push(next);
  }
  return out;
}
