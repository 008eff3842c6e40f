// A block's tensors as one flat vector (in the order of blockParamShapes) and back: a block travels as one binary
// frame, since socket.io refuses messages with more than 10 binary attachments and a block has 12 tensors.
import type { Gpt2Config } from '../config/gpt2-config.js';
import { fail } from '../errors.js';
import { blockParamShapes } from '../model/param-names.js';
import { countElements, type NamedHostTensors } from '../tensors/named-tensors.js';

/** The name of a packed block on the wire and in updates. */
export function packedBlockName(b: number): string {
  return `transformer.h.${b}`;
}

export function packedBlockSize(config: Gpt2Config, b: number): number {
  return Object.values(blockParamShapes(config, b)).reduce((s, shape) => s + countElements(shape), 0);
}

/** Concatenates blocks' tensors (each block in blockParamShapes order) into one vector. */
export function packBlocks(config: Gpt2Config, blocks: readonly { block: number; tensors: NamedHostTensors }[]): Float32Array {
  const out = new Float32Array(blocks.reduce((s, { block }) => s + packedBlockSize(config, block), 0));
  let offset = 0;
  for (const { block, tensors } of blocks) {
    for (const [name, shape] of Object.entries(blockParamShapes(config, block))) {
      const t = tensors[name];
      if (t === undefined || t.data.length !== countElements(shape)) fail('adapter', `block ${block}: ${name} is missing or has the wrong size`);
      out.set(t.data, offset);
      offset += t.data.length;
    }
  }
  return out;
}

/** Splits a vector made by packBlocks back into each block's named tensors. */
export function unpackBlocks(config: Gpt2Config, blocks: readonly number[], flat: Float32Array): NamedHostTensors[] {
  const expected = blocks.reduce((s, b) => s + packedBlockSize(config, b), 0);
  if (flat.length !== expected) fail('adapter', `packed blocks [${blocks.join(', ')}] need ${expected} values, found ${flat.length}`);
  let offset = 0;
  return blocks.map((b) => {
    const out: NamedHostTensors = {};
    for (const [name, shape] of Object.entries(blockParamShapes(config, b))) {
      const n = countElements(shape);
      out[name] = { shape, data: flat.slice(offset, offset + n) };
      offset += n;
    }
    return out;
  });
}
