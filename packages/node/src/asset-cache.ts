// Asset caches for Node clients: in memory, or a folder of files named by their sha256.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AssetCache } from '@splitlora/client';

export function memoryAssetCache(): AssetCache {
  const store = new Map<string, Uint8Array>();
  return {
    async get(hash) { return store.get(hash) ?? null; },
    async put(hash, bytes) { store.set(hash, bytes); },
  };
}

export function dirAssetCache(dir: string): AssetCache {
  return {
    async get(hash) {
      const path = join(dir, hash);
      return existsSync(path) ? new Uint8Array(await readFile(path)) : null;
    },
    async put(hash, bytes) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, hash), bytes);
    },
  };
}
