// The GPU benchmark as one self-contained program for the GPU machine (no Node install there): bundled by
// `../shared/gpu/pack.sh bench/gpu/entry.ts`, run with `bash .device-pack/run.sh [--flags …]`. Prints one JSON line
// per result on stdout as it goes (progress on stderr), then a summary line.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Flags } from '../lib/flags.js';
import { GPU_FLAGS, gpuOptionsFrom } from './gpu-options.js';
import { runGpuBenchmark } from './run-gpu.js';

async function main(argv: string[]): Promise<void> {
  const flags = Flags.parse(argv[0] === '--' ? argv.slice(1) : argv);
  if (flags.bool('help')) {
    process.stdout.write(`GPU benchmark entry (packed)\n\n${GPU_FLAGS.map((f) => `  --${f.name}${f.value ? ` ${f.value}` : ''}  ${f.help}`).join('\n')}\n  --smoke  the tiny cases only\n`);
    return;
  }
  const known = new Set([...GPU_FLAGS.map((f) => f.name), 'smoke', 'help']);
  const unknown = flags.names().find((n) => !known.has(n));
  if (unknown !== undefined) throw new Error(`unknown flag --${unknown}; known: ${[...known].map((n) => `--${n}`).join(', ')}`);
  // The packed tfjs wasm binaries (run.sh sets WASM_DIR); the bundle cannot find them next to its modules.
  if (process.env['WASM_DIR']) setWasmPaths(process.env['WASM_DIR']);
  const here = dirname(fileURLToPath(import.meta.url));
  const started = Date.now();
  const emit = (record: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ ...record, t: Math.round((Date.now() - started) / 100) / 10 })}\n`);
  emit({ kind: 'start', date: new Date().toISOString(), node: process.version, argv });
  const result = await runGpuBenchmark({
    ...gpuOptionsFrom(flags, flags.bool('smoke'), join(here, 'torch_split_step.py')),
    emit, log: (line) => process.stderr.write(`[gpu ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`),
  });
  emit({ kind: 'summary', backend: result.backend, device: result.device, cases: result.cases.length, ok: result.cases.filter((c) => c.status === 'ok').length, seconds: (Date.now() - started) / 1000 });
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: Error) => {
    process.stdout.write(`${JSON.stringify({ kind: 'error', message: error.message, stack: error.stack?.split('\n').slice(0, 5) })}\n`);
    process.exit(1);
  },
);
