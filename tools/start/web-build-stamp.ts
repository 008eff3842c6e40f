// Decides whether a web app's build is current: a sha256 over the paths and contents of every source the build
// reads (the app, the packages it bundles, the shared Vite head, the lockfile), written beside the built files.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Folders never read by a build: outputs, dependencies, tests. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.vite', 'test', 'test-support', 'fixtures']);
const STAMP_FILE = '.source-hash';

function listFiles(root: string, path: string, out: string[]): void {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    out.push(relative(root, path));
    return;
  }
  for (const entry of readdirSync(path).sort()) {
    if (SKIPPED_DIRS.has(entry) || /\.test(-d)?\.ts$/.test(entry)) continue;
    listFiles(root, join(path, entry), out);
  }
}

/** The hash of every file under `inputs` (paths relative to `root`), in a stable order. */
export function sourceHash(root: string, inputs: readonly string[]): string {
  const files: string[] = [];
  for (const input of inputs) listFiles(root, join(root, input), files);
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** True when `outDir` holds a build stamped with `hash` (and its index.html). */
export function buildIsCurrent(outDir: string, hash: string): boolean {
  const stamp = join(outDir, STAMP_FILE);
  return existsSync(join(outDir, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash;
}

export function writeStamp(outDir: string, hash: string): void {
  writeFileSync(join(outDir, STAMP_FILE), `${hash}\n`);
}
