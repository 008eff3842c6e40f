// ChaCha20 (RFC 8439) as a deterministic stream of 32-bit words: the PRG that expands secure-aggregation seeds into
// masks and draws DP noise. Pure TypeScript and synchronous, so both parties of a protocol compute identical
// streams on every platform.
import { fail } from '../../errors.js';

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]; // "expand 32-byte k"

function readWordsLE(bytes: Uint8Array, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((bytes[4 * i]! | (bytes[4 * i + 1]! << 8) | (bytes[4 * i + 2]! << 16) | (bytes[4 * i + 3]! << 24)) >>> 0);
  return out;
}

/** The ChaCha20 block function: 16 output words for (key, counter, nonce), as RFC 8439 §2.3 serializes them. */
export function chachaBlock(state: Uint32Array, out: Uint32Array, outOffset: number): void {
  let x0 = state[0]!, x1 = state[1]!, x2 = state[2]!, x3 = state[3]!, x4 = state[4]!, x5 = state[5]!, x6 = state[6]!, x7 = state[7]!;
  let x8 = state[8]!, x9 = state[9]!, x10 = state[10]!, x11 = state[11]!, x12 = state[12]!, x13 = state[13]!, x14 = state[14]!, x15 = state[15]!;
  for (let i = 0; i < 10; i++) {
    // column rounds
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20);
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25);
    // diagonal rounds
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20);
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25);
  }
  out[outOffset] = x0 + state[0]!; out[outOffset + 1] = x1 + state[1]!; out[outOffset + 2] = x2 + state[2]!; out[outOffset + 3] = x3 + state[3]!;
  out[outOffset + 4] = x4 + state[4]!; out[outOffset + 5] = x5 + state[5]!; out[outOffset + 6] = x6 + state[6]!; out[outOffset + 7] = x7 + state[7]!;
  out[outOffset + 8] = x8 + state[8]!; out[outOffset + 9] = x9 + state[9]!; out[outOffset + 10] = x10 + state[10]!; out[outOffset + 11] = x11 + state[11]!;
  out[outOffset + 12] = x12 + state[12]!; out[outOffset + 13] = x13 + state[13]!; out[outOffset + 14] = x14 + state[14]!; out[outOffset + 15] = x15 + state[15]!;
}

/** A keystream of 32-bit words (the little-endian words of RFC 8439's byte stream), from a block counter onward. */
export class ChaCha20Stream {
  private readonly state = new Uint32Array(16);
  private readonly block = new Uint32Array(16);
  private used = 16; // words of `block` already handed out

  constructor(key: Uint8Array, nonce: Uint8Array = new Uint8Array(12), counter = 0) {
    if (key.length !== 32) fail('config', `ChaCha20 key must be 32 bytes, found ${key.length}`);
    if (nonce.length !== 12) fail('config', `ChaCha20 nonce must be 12 bytes, found ${nonce.length}`);
    if (!Number.isInteger(counter) || counter < 0 || counter > 0xffffffff) fail('config', `ChaCha20 counter must be a 32-bit integer, found ${counter}`);
    this.state.set(SIGMA, 0);
    this.state.set(readWordsLE(key, 8), 4);
    this.state[12] = counter;
    this.state.set(readWordsLE(nonce, 3), 13);
  }

  private refill(): void {
    chachaBlock(this.state, this.block, 0);
    if (this.state[12] === 0xffffffff) fail('config', 'ChaCha20 stream exhausted (2^32 blocks for one key and nonce)');
    this.state[12] = this.state[12]! + 1;
    this.used = 0;
  }

  /** The next word of the stream. */
  nextWord(): number {
    if (this.used === 16) this.refill();
    return this.block[this.used++]!;
  }

  /** Fills `out` with the next out.length words (whole blocks straight into `out` where aligned). */
  fillWords(out: Uint32Array): Uint32Array {
    let i = 0;
    while (i < out.length && this.used < 16) out[i++] = this.block[this.used++]!;
    while (out.length - i >= 16) {
      chachaBlock(this.state, out, i);
      if (this.state[12] === 0xffffffff) fail('config', 'ChaCha20 stream exhausted (2^32 blocks for one key and nonce)');
      this.state[12] = this.state[12]! + 1;
      i += 16;
    }
    while (i < out.length) out[i++] = this.nextWord();
    return out;
  }

  /** Fills `out` with the next bytes of the RFC 8439 byte stream (whole words; a partial word's rest is dropped). */
  fillBytes(out: Uint8Array): Uint8Array {
    for (let i = 0; i < out.length; i += 4) {
      const w = this.nextWord();
      for (let b = 0; b < 4 && i + b < out.length; b++) out[i + b] = (w >>> (8 * b)) & 0xff;
    }
    return out;
  }
}
