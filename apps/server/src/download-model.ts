// `pnpm start -- --download-model gpt2`: fetches a GPT-2 checkpoint from the Hugging Face hub with a progress bar.
import { join } from 'node:path';
import { fetchHubModel, gpt2ConfigFromHf } from '@splitlora/core';
import { writeFiles } from '@splitlora/node';
import { HUB_SOURCE_FILE } from './run/base-model-ref.js';

function bar(received: number, total: number | null): string {
  if (total === null || total === 0) return `${(received / 1e6).toFixed(1)} MB`;
  const width = 30;
  const filled = Math.round((received / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${((received / total) * 100).toFixed(0).padStart(3)}% of ${(total / 1e6).toFixed(1)} MB`;
}

export async function downloadModelCommand(repo: string, modelsDir: string): Promise<void> {
  const files = await fetchHubModel(repo, {
    token: process.env['HF_TOKEN'],
    onProgress: (p) => process.stderr.write(`\r${p.file.padEnd(28)} ${bar(p.receivedBytes, p.totalBytes)}   `),
  });
  process.stderr.write('\n');
  const config = gpt2ConfigFromHf(JSON.parse(new TextDecoder().decode(files['config.json'])) as Record<string, unknown>);
  const folder = repo.split('/').pop()!.replace(/[^\w.-]/g, '_');
  await writeFiles(join(modelsDir, folder), { ...files, [HUB_SOURCE_FILE]: new TextEncoder().encode(JSON.stringify({ repo })) });
  process.stdout.write(`saved ${repo} (${config.n_layer} layers, ${config.n_embd} wide) to ${join(modelsDir, folder)}; use model "hf:${folder}" in a run\n`);
}
