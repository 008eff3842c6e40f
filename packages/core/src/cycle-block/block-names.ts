// One transformer block's parameters (`transformer.h.{b}.*`): which block a name belongs to, and a block picked out
// of a parameter table.
import type { Gpt2Config } from '../config/gpt2-config.js';
import { fail } from '../errors.js';
import { blockParamShapes } from '../model/param-names.js';
import type { NamedHostTensors } from '../tensors/named-tensors.js';

/** The block a parameter name belongs to, or null for embeddings, ln_f and anything else. */
export function blockOf(name: string): number | null {
  const match = /^transformer\.h\.(\d+)\./.exec(name);
  return match === null ? null : Number(match[1]);
}

/** Block `b`'s tensors picked out of a parameter table (every one must be there). */
export function pickBlock(config: Gpt2Config, params: NamedHostTensors, b: number): NamedHostTensors {
  if (!Number.isInteger(b) || b < 0 || b >= config.n_layer) fail('range', `block ${b} out of range 0..${config.n_layer - 1}`);
  const out: NamedHostTensors = {};
  for (const name of Object.keys(blockParamShapes(config, b))) {
    const t = params[name];
    if (t === undefined) fail('checkpoint', `block ${b} lacks ${name}`);
    out[name] = t;
  }
  return out;
}

/** Blocks [0, blocks) of a parameter table: the global tensors of a block-training run. */
export function blockTable(config: Gpt2Config, params: NamedHostTensors, blocks: number): NamedHostTensors {
  return Object.assign({}, ...Array.from({ length: blocks }, (_, b) => pickBlock(config, params, b))) as NamedHostTensors;
}
