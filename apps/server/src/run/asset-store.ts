// Downloadable assets (client weights, tokenizer) addressed by sha256 and served in fixed-size chunks.
import { createHash } from 'node:crypto';
import { ASSET_CHUNK_BYTES, type AssetInfo } from '@splitlora/protocol';

export class AssetStore {
  private readonly assets = new Map<string, Uint8Array>();

  add(bytes: Uint8Array, chunkBytes = ASSET_CHUNK_BYTES): AssetInfo {
    const hash = createHash('sha256').update(bytes).digest('hex');
    this.assets.set(hash, bytes);
    return { hash, bytes: bytes.byteLength, chunkBytes, chunkCount: Math.max(1, Math.ceil(bytes.byteLength / chunkBytes)) };
  }

  /** The chunk's bytes, or null when the asset or the index does not exist. */
  chunk(hash: string, index: number, chunkBytes = ASSET_CHUNK_BYTES): Uint8Array | null {
    const bytes = this.assets.get(hash);
    if (bytes === undefined) return null;
    const start = index * chunkBytes;
    if (start >= bytes.byteLength && !(index === 0 && bytes.byteLength === 0)) return null;
    return bytes.subarray(start, Math.min(bytes.byteLength, start + chunkBytes));
  }
}
