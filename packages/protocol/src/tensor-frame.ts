// Binary tensor frames: {name, shape, dtype, data} with raw little-endian bytes, never JSON arrays.
import { z } from 'zod';
import { decodeFloat16, encodeFloat16, float16BitsToFloat32 } from './half-precision.js';

export const FRAME_DTYPES = ['float32', 'float16', 'int32', 'uint16', 'uint8'] as const;
export type FrameDtype = (typeof FRAME_DTYPES)[number];

export const BYTES_PER_ELEMENT: Record<FrameDtype, number> = { float32: 4, float16: 2, int32: 4, uint16: 2, uint8: 1 };

/** Binary payload as socket.io delivers it: ArrayBuffer in browsers, Buffer (a Uint8Array) in Node. */
export type Binary = ArrayBuffer | Uint8Array;

export interface TensorFrame {
  name: string;
  shape: number[];
  dtype: FrameDtype;
  data: Binary;
  /** Float frames: the values were multiplied by this power of two before encoding (fp16 range); divide on decode. */
  scale?: number;
}

const binary = z.custom<Binary>((v) => v instanceof ArrayBuffer || v instanceof Uint8Array, { message: 'expected binary data' });

export const tensorFrameSchema = z.strictObject({
  name: z.string().min(1).max(200),
  shape: z.array(z.number().int().nonnegative().max(1 << 24)).max(8),
  dtype: z.enum(FRAME_DTYPES),
  data: binary,
  scale: z.number().positive().refine(Number.isFinite, 'scale must be finite').optional(),
});

export function byteLength(data: Binary): number {
  return data.byteLength;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Copies the bytes into a fresh, aligned buffer (received Buffers can start at any offset). */
export function alignedBytes(data: Binary): Uint8Array {
  const view = data instanceof Uint8Array ? data : new Uint8Array(data);
  const copy = new Uint8Array(view.byteLength);
  copy.set(view);
  return copy;
}

export class FrameError extends Error {
  constructor(readonly reason: 'size' | 'dtype' | 'non-finite', message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/**
 * The power of two that brings the largest magnitude near 2^14 — well inside float16's range and far above its
 * subnormals, so gradients of a mean loss (often ~1e-7) survive the trip. 1 for all-zero tensors and for tensors
 * with Infinity or NaN. The largest magnitude is found on the float32 bits (integer compares, no Math per element).
 */
export function float16Scale(values: Float32Array): number {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let maxAbs = 0;
  for (let i = 0; i < bits.length; i++) {
    const abs = bits[i]! & 0x7fffffff;
    if (abs > maxAbs) maxAbs = abs;
  }
  if (maxAbs === 0 || maxAbs >= 0x7f800000) return 1;
  const exponent = Math.max(-40, Math.min(40, 14 - ceilLog2OfBits(maxAbs)));
  return 2 ** exponent;
}

/** ⌈log2 v⌉ of a positive finite float32 given by its bits. */
function ceilLog2OfBits(abs: number): number {
  const exp = abs >>> 23;
  const mant = abs & 0x7fffff;
  if (exp === 0) { // subnormal: v = mant · 2^-149
    const floor = 31 - Math.clz32(mant);
    return floor - 149 + ((mant & (mant - 1)) === 0 ? 0 : 1);
  }
  return exp - 127 + (mant === 0 ? 0 : 1);
}

/** Encodes float values as float32, or as float16 with a per-frame power-of-two scale (the wire default). */
export function encodeFloatFrame(name: string, shape: number[], values: Float32Array, dtype: 'float32' | 'float16'): TensorFrame {
  if (values.length !== elementCount(shape)) throw new FrameError('size', `${name}: ${values.length} values do not fill shape [${shape.join(', ')}]`);
  if (dtype === 'float32') {
    return { name, shape, dtype, data: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
  }
  const scale = float16Scale(values);
  return { name, shape, dtype, data: new Uint8Array(encodeFloat16(values, scale).buffer), scale };
}

export function encodeIntFrame(name: string, shape: number[], values: ArrayLike<number>, dtype: 'int32' | 'uint16' | 'uint8'): TensorFrame {
  if (values.length !== elementCount(shape)) throw new FrameError('size', `${name}: ${values.length} values do not fill shape [${shape.join(', ')}]`);
  const typed = dtype === 'int32' ? Int32Array.from(values) : dtype === 'uint16' ? Uint16Array.from(values) : Uint8Array.from(values);
  return { name, shape, dtype, data: new Uint8Array(typed.buffer) };
}

function checkSize(frame: TensorFrame): Uint8Array {
  const bytes = alignedBytes(frame.data);
  const expected = elementCount(frame.shape) * BYTES_PER_ELEMENT[frame.dtype];
  if (bytes.byteLength !== expected) {
    throw new FrameError('size', `${frame.name}: ${bytes.byteLength} bytes, but shape [${frame.shape.join(', ')}] of ${frame.dtype} needs ${expected}`);
  }
  return bytes;
}

/** Index of the first Infinity or NaN among float bits (exponent all ones), or −1; integer tests only. */
function firstNonFinite(bits: Uint16Array | Uint32Array, exponentMask: number): number {
  for (let i = 0; i < bits.length; i++) if ((bits[i]! & exponentMask) === exponentMask) return i;
  return -1;
}

/** Decodes a float frame to float32, refusing wrong sizes, non-float dtypes and NaN/Infinity. */
export function decodeFloatFrame(frame: TensorFrame): Float32Array {
  const bytes = checkSize(frame);
  const scale = frame.scale ?? 1;
  const nonFinite = (index: number, value: number) => new FrameError('non-finite', `${frame.name}: value ${value} at index ${index} is not finite`);
  if (frame.dtype === 'float16') {
    const halves = new Uint16Array(bytes.buffer);
    const bad = firstNonFinite(halves, 0x7c00);
    if (bad >= 0) throw nonFinite(bad, float16BitsToFloat32(halves[bad]!));
    return decodeFloat16(halves, scale);
  }
  if (frame.dtype !== 'float32') throw new FrameError('dtype', `${frame.name}: expected float32 or float16, found ${frame.dtype}`);
  const values = new Float32Array(bytes.buffer);
  const bad = firstNonFinite(new Uint32Array(bytes.buffer), 0x7f800000);
  if (bad >= 0) throw nonFinite(bad, values[bad]!);
  if (scale !== 1) for (let i = 0; i < values.length; i++) values[i] = values[i]! / scale;
  return values;
}

/** Decodes an integer frame to Int32Array. */
export function decodeIntFrame(frame: TensorFrame): Int32Array {
  const bytes = checkSize(frame);
  switch (frame.dtype) {
    case 'int32': return new Int32Array(bytes.buffer);
    case 'uint16': return Int32Array.from(new Uint16Array(bytes.buffer));
    case 'uint8': return Int32Array.from(bytes);
    default: throw new FrameError('dtype', `${frame.name}: expected an integer dtype, found ${frame.dtype}`);
  }
}

export function frameBytes(frames: readonly TensorFrame[]): number {
  return frames.reduce((sum, f) => sum + byteLength(f.data), 0);
}
