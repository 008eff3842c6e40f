// The hub downloader, against a fake fetch: streamed progress, sharded checkpoints, 404s, and the loader on the result.
import { describe, expect, it } from 'vitest';
import { gpt2Config, gpt2ConfigToHf } from '../config/gpt2-config.js';
import { initGpt2Params } from '../model/init-params.js';
import type { CoreFetch, CoreResponse } from './fetch-types.js';
import { type DownloadProgress, fetchHubModel, hubFileUrl, hubSource } from './hub-fetch.js';
import { loadHfGpt2 } from './hf-checkpoint.js';
import { writeSafetensors } from './safetensors.js';

function fakeHub(files: Record<string, Uint8Array>, chunk = 1000): { fetch: CoreFetch; requests: string[] } {
  const requests: string[] = [];
  const fetch: CoreFetch = async (url, init) => {
    requests.push(url + (init?.headers?.['authorization'] ? ' (auth)' : ''));
    const name = url.split('/resolve/main/')[1]!;
    const bytes = files[name];
    const response: CoreResponse = {
      ok: bytes !== undefined, status: bytes === undefined ? 404 : 200, statusText: bytes === undefined ? 'Not Found' : 'OK',
      headers: { get: (h) => (h === 'content-length' && bytes ? String(bytes.byteLength) : null) },
      body: bytes === undefined ? null : {
        getReader() {
          let offset = 0;
          return {
            async read() {
              if (offset >= bytes.byteLength) return { done: true };
              const value = bytes.subarray(offset, offset + chunk);
              offset += chunk;
              return { done: false, value };
            },
            releaseLock() {},
          };
        },
      },
      arrayBuffer: async () => (bytes ?? new Uint8Array()).slice().buffer,
    };
    return response;
  };
  return { fetch, requests };
}

const config = gpt2Config('tiny', { vocab_size: 40, n_embd: 8, n_layer: 2, n_head: 2, n_positions: 8, bos_token_id: 39, eos_token_id: 39 });
const params = initGpt2Params(config, 3);
const configJson = new TextEncoder().encode(JSON.stringify(gpt2ConfigToHf(config)));

describe('fetchHubModel', () => {
  it('builds resolve URLs for a revision', () => {
    expect(hubFileUrl('openai-community/gpt2', 'config.json', { revision: 'v1' })).toBe('https://huggingface.co/openai-community/gpt2/resolve/v1/config.json');
  });

  it('downloads config, weights and tokenizer with streamed progress, and the loader reads the result', async () => {
    const weights = writeSafetensors(params);
    const hub = fakeHub({ 'config.json': configJson, 'model.safetensors': weights, 'vocab.json': new TextEncoder().encode('{}') });
    const progress: DownloadProgress[] = [];
    const files = await fetchHubModel('me/tiny', { fetchImpl: hub.fetch, token: 'secret', onProgress: (p) => progress.push(p) });
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.json']);
    const weightProgress = progress.filter((p) => p.file === 'model.safetensors');
    expect(weightProgress.length).toBeGreaterThan(3);
    expect(weightProgress.at(-1)).toEqual({ file: 'model.safetensors', receivedBytes: weights.byteLength, totalBytes: weights.byteLength });
    expect(hub.requests.every((r) => r.endsWith('(auth)'))).toBe(true);
    const loaded = await loadHfGpt2(hubSource('me/tiny', files));
    expect(loaded.params['transformer.h.1.attn.c_attn.weight']).toEqual(params['transformer.h.1.attn.c_attn.weight']);
  });

  it('follows a sharded index when there is no single weights file', async () => {
    const names = Object.keys(params);
    const shard = (part: string[]) => writeSafetensors(Object.fromEntries(part.map((n) => [n, params[n]!])));
    const index = { weight_map: Object.fromEntries(names.map((n, i) => [n, i % 2 ? 'b.safetensors' : 'a.safetensors'])) };
    const hub = fakeHub({
      'config.json': configJson, 'model.safetensors.index.json': new TextEncoder().encode(JSON.stringify(index)),
      'a.safetensors': shard(names.filter((_, i) => i % 2 === 0)), 'b.safetensors': shard(names.filter((_, i) => i % 2 === 1)),
    });
    const files = await fetchHubModel('me/sharded', { fetchImpl: hub.fetch });
    expect((await loadHfGpt2(hubSource('me/sharded', files))).params).toEqual(params);
  });

  it('says which file is missing', async () => {
    const hub = fakeHub({ 'config.json': configJson });
    await expect(fetchHubModel('me/broken', { fetchImpl: hub.fetch })).rejects.toThrow('me/broken: model.safetensors.index.json not found on the hub');
    await expect(fetchHubModel('me/none', { fetchImpl: fakeHub({}).fetch })).rejects.toThrow('me/none: config.json not found on the hub');
  });
});
