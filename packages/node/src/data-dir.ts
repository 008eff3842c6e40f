// Finds the reference data folder (E2E CSVs, GPT-2 tokenizer, plain text) and downloads it from its public
// sources when it is missing and the machine is online.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DATA_ENV = 'SPLITLORA_DATA_DIR';

/** Public sources of each file the project reads (see the data folder's README). */
export const DATA_SOURCES: Record<string, string> = {
  'gpt2-tokenizer/vocab.json': 'https://huggingface.co/openai-community/gpt2/resolve/main/vocab.json',
  'gpt2-tokenizer/merges.txt': 'https://huggingface.co/openai-community/gpt2/resolve/main/merges.txt',
  'gpt2-tokenizer/gpt2-medium-config.json': 'https://huggingface.co/openai-community/gpt2-medium/resolve/main/config.json',
  'e2e/devset.csv': 'https://raw.githubusercontent.com/tuetschek/e2e-dataset/master/devset.csv',
  'e2e/testset_w_refs.csv': 'https://raw.githubusercontent.com/tuetschek/e2e-dataset/master/testset_w_refs.csv',
  'tinyshakespeare/input.txt': 'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt',
};

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function complete(dir: string): boolean {
  return existsSync(join(dir, 'gpt2-tokenizer', 'vocab.json')) && existsSync(join(dir, 'e2e', 'devset.csv'));
}

/** The data folder: an explicit path, $SPLITLORA_DATA_DIR, `shared/data` beside the repo (or an ancestor), or `.data`. */
export function findDataDir(explicit?: string): string | null {
  if (explicit) return resolve(explicit);
  const fromEnv = process.env[DATA_ENV];
  if (fromEnv) return resolve(fromEnv);
  for (let dir = REPO_ROOT; ; dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', 'data');
    if (complete(candidate)) return resolve(candidate);
    if (dirname(dir) === dir) break;
  }
  const local = join(REPO_ROOT, '.data');
  return complete(local) ? local : null;
}

/** Like findDataDir, but downloads the files into `<repo>/.data` when no folder is found. */
export async function ensureDataDir(explicit?: string, log: (line: string) => void = () => {}): Promise<string> {
  const found = findDataDir(explicit);
  if (found !== null) {
    if (!complete(found)) throw new Error(`data folder ${found} lacks gpt2-tokenizer/vocab.json or e2e/devset.csv`);
    return found;
  }
  const target = join(REPO_ROOT, '.data');
  log(`no data folder found (set ${DATA_ENV} or pass --data-dir); downloading public data into ${target}`);
  for (const [file, url] of Object.entries(DATA_SOURCES)) {
    const path = join(target, file);
    if (existsSync(path)) continue;
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new Error(`cannot download ${url} (${(error as Error).message}); this machine seems offline: set ${DATA_ENV} to a folder with e2e/ and gpt2-tokenizer/`);
    }
    if (!response.ok) throw new Error(`GET ${url} failed: ${response.status} ${response.statusText}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, new Uint8Array(await response.arrayBuffer()));
    log(`downloaded ${file}`);
  }
  return target;
}
