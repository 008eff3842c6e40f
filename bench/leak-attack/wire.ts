// What happens to activations between the volunteer's forward and the server's decoder: the protocol's own float
// frame encoding (fp16 with a power-of-two scale, or fp32) and decoding, so the attacker sees exactly what travels.
import { decodeFloatFrame, encodeFloatFrame } from '@splitlora/protocol';

export type WireDtype = 'float16' | 'float32';

/** The values as the server decodes them after the volunteer encoded them with `dtype`. */
export function throughWire(values: Float32Array, shape: number[], dtype: WireDtype): Float32Array {
  return decodeFloatFrame(encodeFloatFrame('activations', shape, values, dtype));
}
