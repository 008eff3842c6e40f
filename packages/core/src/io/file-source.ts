// Where model files come from: a directory on disk, an HTTP server, a hub, or memory (one adapter per platform).

import { fail } from '../errors.js';

export interface FileSource {
  /** Human-readable location, for error messages. */
  readonly location: string;
  /** The file's bytes, or null when it does not exist. */
  read(name: string): Promise<Uint8Array | null>;
}

export function memoryFileSource(files: Record<string, Uint8Array | string>, location = 'memory'): FileSource {
  return {
    location,
    async read(name: string) {
      const file = files[name];
      if (file === undefined) return null;
      return typeof file === 'string' ? new TextEncoder().encode(file) : file;
    },
  };
}

export async function readJson(source: FileSource, name: string): Promise<Record<string, unknown> | null> {
  const bytes = await source.read(name);
  if (bytes === null) return null;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch (error) {
    return fail('format', `${source.location}/${name} is not valid JSON: ${(error as Error).message}`);
  }
}
