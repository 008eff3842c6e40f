// The counter-based hash behind device dropout: element i of a tensor is kept when hash(seed, i) ≥ threshold, so a
// mask is a pure function of (seed, index) — the same on every backend and on every recomputation. This file is
// the reference (JavaScript) and the parameters; the WGSL and GLSL copies in the backend kernels mirror it.

/** Chris Wellons' lowbias32: a bijective 32-bit integer mix with low bias. */
export function lowbias32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** What every backend's kernel needs: two 32-bit keys from the seed, the keep threshold and the scale 1/(1−rate). */
export interface DropoutParams {
  key0: number;
  key1: number;
  /** Elements whose hash is ≥ threshold are kept: the keep probability is 1 − threshold/2³². */
  threshold: number;
  /** 1/(1−rate) rounded to float32, the factor a kept element is multiplied by. */
  scale: number;
}

export function dropoutParams(rate: number, seed: number): DropoutParams {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), found ${rate}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`dropout seed must be a 32-bit unsigned integer, found ${seed}`);
  return {
    key0: lowbias32(seed ^ 0x9e3779b9),
    key1: lowbias32(seed + 0x632be5ab),
    threshold: Math.min(0xffffffff, Math.round(rate * 2 ** 32)),
    scale: Math.fround(1 / (1 - rate)),
  };
}

/** The hash of element `index`: two rounds, each keyed, so masks of different seeds are unrelated. */
export function dropoutHash(index: number, p: DropoutParams): number {
  return lowbias32(((lowbias32((index ^ p.key0) >>> 0) + p.key1) >>> 0));
}

/** out[i] = keep(i) ? x[i]·scale : 0 over a flat array (the cpu and wasm kernels, and the reference in tests). */
export function applyDropout(x: ArrayLike<number>, out: Float32Array, p: DropoutParams): void {
  const { key0, key1, threshold, scale } = p;
  for (let i = 0; i < out.length; i++) {
    // lowbias32 twice, inlined: this loop is the whole cost of the kernel on cpu and wasm.
    let h = (i ^ key0) >>> 0;
    h ^= h >>> 16; h = Math.imul(h, 0x7feb352d); h ^= h >>> 15; h = Math.imul(h, 0x846ca68b); h ^= h >>> 16;
    h = ((h >>> 0) + key1) >>> 0;
    h ^= h >>> 16; h = Math.imul(h, 0x7feb352d); h ^= h >>> 15; h = Math.imul(h, 0x846ca68b); h ^= h >>> 16;
    out[i] = h >>> 0 >= threshold ? x[i]! * scale : 0;
  }
}

/** The WGSL/GLSL body of lowbias32 on a `u32`/`uint` variable named x (the syntax is common to both). */
export const LOWBIAS32_STATEMENTS = 'x = x ^ (x >> 16u); x = x * 0x7feb352du; x = x ^ (x >> 15u); x = x * 0x846ca68bu; x = x ^ (x >> 16u);';
