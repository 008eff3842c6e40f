// Downloads an asset in chunks (a few in flight), verifies its sha256, and keeps it in the cache.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { alignedBytes, type AssetInfo, request } from '@splitlora/protocol';
import type { AssetCache } from './asset-cache.js';
import type { VolunteerSocket } from './socket-types.js';

export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

export interface DownloadProgress {
  receivedBytes: number;
  totalBytes: number;
  fromCache: boolean;
}

export async function downloadAsset(
  socket: VolunteerSocket, asset: AssetInfo, cache: AssetCache, onProgress: (p: DownloadProgress) => void,
  options: { concurrency?: number; timeoutMs?: number } = {},
): Promise<Uint8Array> {
  const cached = await cache.get(asset.hash);
  if (cached !== null && cached.byteLength === asset.bytes && sha256Hex(cached) === asset.hash) {
    onProgress({ receivedBytes: asset.bytes, totalBytes: asset.bytes, fromCache: true });
    return cached;
  }
  const out = new Uint8Array(asset.bytes);
  let received = 0;
  let next = 0;
  const worker = async () => {
    while (next < asset.chunkCount) {
      const index = next++;
      const chunk = await request(socket, 'asset:chunk', { hash: asset.hash, index }, options.timeoutMs ?? 60_000);
      const bytes = alignedBytes(chunk.data);
      const offset = index * asset.chunkBytes;
      if (chunk.index !== index || offset + bytes.byteLength > asset.bytes) throw new Error(`asset ${asset.hash.slice(0, 12)}: chunk ${index} does not fit`);
      out.set(bytes, offset);
      received += bytes.byteLength;
      onProgress({ receivedBytes: received, totalBytes: asset.bytes, fromCache: false });
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, asset.chunkCount) }, worker));
  const hash = sha256Hex(out);
  if (received !== asset.bytes || hash !== asset.hash) {
    throw new Error(`asset verification failed: expected sha256 ${asset.hash}, got ${hash} (${received} of ${asset.bytes} bytes)`);
  }
  await cache.put(asset.hash, out);
  return out;
}
