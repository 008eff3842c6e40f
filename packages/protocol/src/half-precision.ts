// IEEE float16 and bfloat16 codecs (round to nearest even), shared by wire frames and safetensors files.

/**
 * float16 bits of one float32 given as its bits, round to nearest even; overflow becomes ±Infinity, NaN stays NaN.
 * Integer operations only: the array encoder runs it per element without Math calls or typed-array round trips.
 */
function halfFromFloatBits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const abs = x & 0x7fffffff;
  if (abs >= 0x47800000) {
    // |x| ≥ 65536 (beyond the largest half even after rounding), Infinity, or NaN.
    return abs > 0x7f800000 ? sign | 0x7e00 : sign | 0x7c00;
  }
  if (abs >= 0x38800000) {
    // A normal half: re-bias the exponent (127 → 15) and round the 13 dropped bits to nearest even; a carry out of
    // the mantissa bumps the exponent, which is still correct (up to Infinity).
    return sign | ((abs - 0x38000000 + 0xfff + ((abs >>> 13) & 1)) >>> 13);
  }
  if (abs < 0x33000000) return sign; // below half the smallest subnormal: ±0
  // A subnormal half: shift the mantissa (with its implicit 1) right by 14 − e, rounding to nearest even.
  const exp = abs >>> 23;
  const mant = (abs & 0x7fffff) | 0x800000;
  const shift = 126 - exp; // 14 − (exp − 112)
  const rest = mant & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  const result = mant >>> shift;
  return sign | (rest > half || (rest === half && (result & 1) === 1) ? result + 1 : result);
}

const scalarBits = new Uint32Array(1);
const scalarFloat = new Float32Array(scalarBits.buffer);

/** One float32 → float16 bits, rounding to nearest even; overflow becomes ±Infinity, NaN stays NaN. */
export function float32ToFloat16Bits(value: number): number {
  scalarFloat[0] = value;
  return halfFromFloatBits(scalarBits[0]!);
}

/** float32 bits of every half, built once: decoding is one table lookup per element, exact for all 65,536. */
let halfToFloatBits: Uint32Array | null = null;

function decodeTable(): Uint32Array {
  if (halfToFloatBits !== null) return halfToFloatBits;
  const table = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0x1f) table[h] = sign | 0x7f800000 | (mant << 13); // Infinity, NaN (payload kept)
    else if (exp !== 0) table[h] = sign | ((exp + 112) << 23) | (mant << 13);
    else if (mant === 0) table[h] = sign; // ±0
    else {
      // Subnormal half: normalise the mantissa into a float32 (which has room for it).
      const lead = 31 - Math.clz32(mant); // position of the highest set bit, 0..9
      table[h] = sign | ((lead + 103) << 23) | ((mant << (23 - lead)) & 0x7fffff);
    }
  }
  halfToFloatBits = table;
  return table;
}

export function float16BitsToFloat32(bits: number): number {
  scalarBits[0] = decodeTable()[bits & 0xffff]!;
  return scalarFloat[0]!;
}

const CHUNK = 4096;

/**
 * float32 → float16 bits, each value first multiplied by `multiplier` in float32 (the wire's power-of-two scale),
 * through a small scratch buffer so the scaled values never make a full-size copy.
 */
export function encodeFloat16(values: Float32Array, multiplier = 1): Uint16Array {
  const out = new Uint16Array(values.length);
  if (multiplier === 1) {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < bits.length; i++) out[i] = halfFromFloatBits(bits[i]!);
    return out;
  }
  const scratch = new Float32Array(CHUNK);
  const scratchBits = new Uint32Array(scratch.buffer);
  for (let start = 0; start < values.length; start += CHUNK) {
    const n = Math.min(CHUNK, values.length - start);
    for (let i = 0; i < n; i++) scratch[i] = values[start + i]! * multiplier;
    for (let i = 0; i < n; i++) out[start + i] = halfFromFloatBits(scratchBits[i]!);
  }
  return out;
}

/** float16 bits → float32, each divided by `divisor` (the wire's scale) in the same pass. */
export function decodeFloat16(bits: Uint16Array, divisor = 1): Float32Array {
  const table = decodeTable();
  if (divisor === 1) {
    const out = new Uint32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
    return new Float32Array(out.buffer);
  }
  const floats = new Float32Array(table.buffer);
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = floats[bits[i]!]! / divisor;
  return out;
}

/** float32 → bfloat16 bits (the top 16 bits, rounded to nearest even). */
export function encodeBfloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = bits[i]!;
    if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) {
      out[i] = (x >>> 16) | 0x40; // keep NaN a NaN
      continue;
    }
    const rounding = 0x7fff + ((x >>> 16) & 1);
    out[i] = ((x + rounding) >>> 16) & 0xffff;
  }
  return out;
}

export function decodeBfloat16(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i]! << 16;
  return new Float32Array(out.buffer);
}
