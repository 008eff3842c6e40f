// The measured token recovery for a run's model and cut, read from the leakage benchmark's figures
// (docs/leakage/<model>.json, written by `pnpm bench leak-attack`); null when that model or cut was not measured.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { leakageFiguresSchema, runLeakage, type RunLeakage } from '@splitlora/protocol';

export const LEAKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../docs/leakage');

/** The figure of `model` at `cut`; a damaged figures file is reported through `warn` and gives null. */
export function measuredLeakage(model: string, cut: number, warn: (message: string) => void, dir = LEAKAGE_DIR): RunLeakage | null {
  if (!/^[A-Za-z0-9._-]+$/.test(model)) return null;
  const path = join(dir, `${model}.json`);
  if (!existsSync(path)) return null;
  try {
    const parsed = leakageFiguresSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) {
      warn(`${path} is not a leakage figures file: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return null;
    }
    return runLeakage(parsed.data, cut);
  } catch (error) {
    warn(`cannot read ${path}: ${(error as Error).message}`);
    return null;
  }
}
