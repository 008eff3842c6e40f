// Command-line parsing shared by the server's entry points (`pnpm start`, `pnpm demo`): tolerant of pnpm's `--`.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export function parseCli<T extends NonNullable<ParseArgsConfig['options']>>(options: T, argv = process.argv.slice(2)) {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  return parseArgs({ args, options, strict: true, allowPositionals: false });
}

export function numberFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, found "${value}"`);
  return n;
}
