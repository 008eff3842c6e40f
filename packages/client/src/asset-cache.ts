// Where downloaded assets (client weights, tokenizer) are kept between sessions, keyed by their sha256: none, or a
// map in memory (Node fleets and tests); the page keeps them in IndexedDB (apps/volunteer).

export interface AssetCache {
  get(hash: string): Promise<Uint8Array | null>;
  put(hash: string, bytes: Uint8Array): Promise<void>;
}

export const noAssetCache: AssetCache = {
  async get() { return null; },
  async put() {},
};

export function memoryAssetCache(): AssetCache {
  const store = new Map<string, Uint8Array>();
  return {
    async get(hash) { return store.get(hash) ?? null; },
    async put(hash, bytes) { store.set(hash, bytes); },
  };
}
