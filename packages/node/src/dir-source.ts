// A FileSource over a directory on disk, and writing a set of files into one.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileSource } from '@splitlora/core';

export function dirSource(dir: string): FileSource {
  return {
    location: dir,
    async read(name: string) {
      const path = join(dir, name);
      return existsSync(path) ? new Uint8Array(await readFile(path)) : null;
    },
  };
}

export async function writeFiles(dir: string, files: Record<string, Uint8Array>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
}
