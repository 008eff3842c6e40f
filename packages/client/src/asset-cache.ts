// Where downloaded assets (client weights, tokenizer) are kept between sessions, keyed by their sha256.

export interface AssetCache {
  get(hash: string): Promise<Uint8Array | null>;
  put(hash: string, bytes: Uint8Array): Promise<void>;
}

export const noAssetCache: AssetCache = {
  async get() { return null; },
  async put() {},
};
