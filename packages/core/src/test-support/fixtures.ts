// Test helper: reads the golden fixtures (written by tools/fixtures/make_fixtures.py) and the shared data folder.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findDataDir } from '../../../node/src/data-dir.js';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures');

export interface JsonTensor {
  shape: number[];
  data: number[];
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

// The Node adapter lives in packages/node (which depends on the core); tests borrow it by path.
export { dirSource } from '../../../node/src/dir-source.js';

/** The shared data folder, found as the apps find it ($SPLITLORA_DATA_DIR, shared/data beside the repo, .data). */
export function dataDir(): string {
  const found = findDataDir();
  if (found === null) throw new Error('shared data folder not found: set SPLITLORA_DATA_DIR to the folder holding e2e/ and gpt2-tokenizer/');
  return found;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** max |a − b| / max |b|: the relative error of a gradient tensor. */
export function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  return maxAbsDiff(a, b) / Math.max(scale, 1e-12);
}
