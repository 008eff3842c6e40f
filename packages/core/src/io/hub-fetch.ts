// Downloads a GPT-2 model from the Hugging Face hub by name (config, weights or shards, tokenizer) with progress.
import { fail } from '../errors.js';
import type { CoreFetch } from './fetch-types.js';
import { type FileSource, memoryFileSource } from './file-source.js';

export interface DownloadProgress {
  file: string;
  receivedBytes: number;
  /** From Content-Length; null when the server does not say. */
  totalBytes: number | null;
}

export interface HubFetchOptions {
  revision?: string;
  endpoint?: string;
  /** Bearer token for gated or private repositories. */
  token?: string;
  onProgress?: (progress: DownloadProgress) => void;
  fetchImpl?: CoreFetch;
}

export function hubFileUrl(repo: string, file: string, options: HubFetchOptions = {}): string {
  const endpoint = options.endpoint ?? 'https://huggingface.co';
  return `${endpoint}/${repo}/resolve/${encodeURIComponent(options.revision ?? 'main')}/${file}`;
}

/** Fetches one file, streaming it to report progress; returns null on 404. */
export async function fetchHubFile(repo: string, file: string, options: HubFetchOptions = {}): Promise<Uint8Array | null> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const url = hubFileUrl(repo, file, options);
  const response = await fetchImpl(url, { headers });
  if (response.status === 404) return null;
  if (!response.ok) fail('checkpoint', `GET ${url} failed: ${response.status} ${response.statusText}`);
  const lengthHeader = response.headers.get('content-length');
  const totalBytes = lengthHeader === null ? null : Number(lengthHeader);
  const report = (receivedBytes: number) => options.onProgress?.({ file, receivedBytes, totalBytes });
  if (response.body === null) {
    const whole = new Uint8Array(await response.arrayBuffer());
    report(whole.byteLength);
    return whole;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  report(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value !== undefined) {
      chunks.push(value);
      received += value.byteLength;
      report(received);
    }
  }
  reader.releaseLock();
  const out = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Downloads what loadHfGpt2 and the tokenizer need: config.json, model.safetensors (or its index and shards),
 * vocab.json and merges.txt. Returns the files by name.
 */
export async function fetchHubModel(repo: string, options: HubFetchOptions = {}): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  const required = async (name: string) => {
    const bytes = await fetchHubFile(repo, name, options);
    if (bytes === null) fail('checkpoint', `${repo}: ${name} not found on the hub`);
    files[name] = bytes;
  };
  await required('config.json');
  const single = await fetchHubFile(repo, 'model.safetensors', options);
  if (single !== null) files['model.safetensors'] = single;
  else {
    await required('model.safetensors.index.json');
    const index = JSON.parse(new TextDecoder().decode(files['model.safetensors.index.json'])) as { weight_map: Record<string, string> };
    for (const shard of new Set(Object.values(index.weight_map))) await required(shard);
  }
  for (const name of ['vocab.json', 'merges.txt']) {
    const bytes = await fetchHubFile(repo, name, options);
    if (bytes !== null) files[name] = bytes;
  }
  return files;
}

export function hubSource(repo: string, files: Record<string, Uint8Array>): FileSource {
  return memoryFileSource(files, `hf://${repo}`);
}
