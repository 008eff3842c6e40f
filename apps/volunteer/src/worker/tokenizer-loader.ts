// Fetches the run's GPT-2 tokenizer files from the server (GET /api/tokenizer, HTTP-cached) to count tokens
// in the volunteer's files before anything is sent.
import { Gpt2Tokenizer } from '@splitlora/core';

export async function loadTokenizer(serverUrl: string): Promise<Gpt2Tokenizer> {
  const url = new URL('/api/tokenizer', serverUrl);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`could not load the tokenizer from ${url.pathname}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) {
    const body = (await response.text().catch(() => '')).slice(0, 200);
    throw new Error(`could not load the tokenizer: ${url.pathname} answered ${response.status}${body ? ` (${body})` : ''}`);
  }
  const files = await response.json() as { vocabJson?: unknown; mergesTxt?: unknown };
  if (typeof files.vocabJson !== 'string' || typeof files.mergesTxt !== 'string') {
    throw new Error(`${url.pathname}: expected {"vocabJson": string, "mergesTxt": string}, found keys ${Object.keys(files).join(', ') || 'none'}`);
  }
  return Gpt2Tokenizer.fromFiles(files.vocabJson, files.mergesTxt);
}
