// `pnpm bench <name> [--json] [--smoke] [flags]`: runs one benchmark, prints its tables on stdout (progress on
// stderr) and, with --json, ends with one JSON object on the last line of stdout.
import { BENCHMARKS, benchmarkNames } from './benchmarks.js';
import { Flags } from './lib/flags.js';
import { machineInfo } from './lib/machine.js';
import { renderTable } from './lib/table.js';

const COMMON_FLAGS = ['json', 'smoke', 'help'];

function usage(): string {
  const names = benchmarkNames();
  const width = Math.max(...names.map((n) => n.length));
  return [
    'usage: pnpm bench <name> [--json] [--smoke] [--help] [benchmark flags]',
    '',
    ...names.map((n) => `  ${n.padEnd(width)}  ${BENCHMARKS[n]!.summary}`),
    '',
    '  --json   end with one JSON object on the last line of stdout',
    '  --smoke  tiny sizes that finish in seconds (what the test suite runs)',
    '  --help   the benchmark\'s own flags',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((a, i) => !(a === '--' && i <= 1)); // pnpm may pass a leading `--`
  const name = args[0];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = BENCHMARKS[name];
  if (entry === undefined) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${benchmarkNames().join(', ')}\n`);
    return 2;
  }
  const flags = Flags.parse(args.slice(1));
  const bench = await entry.load();
  if (flags.bool('help')) {
    process.stdout.write(`pnpm bench ${name} — ${BENCHMARKS[name]!.summary}\n\n${bench.flags.map((f) => `  --${f.name}${f.value ? ` ${f.value}` : ''}  ${f.help}`).join('\n')}\n`);
    return 0;
  }
  const known = new Set([...COMMON_FLAGS, ...bench.flags.map((f) => f.name)]);
  const unknown = flags.names().find((f) => !known.has(f));
  if (unknown !== undefined) {
    process.stderr.write(`pnpm bench ${name}: unknown flag --${unknown}; known: ${[...known].map((f) => `--${f}`).join(', ')}\n`);
    return 2;
  }
  const smoke = flags.bool('smoke');
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`[${name} ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
  const report = await bench.run({ smoke, flags, log });
  for (const table of report.tables) process.stdout.write(`\n${renderTable(table)}`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (flags.bool('json')) {
    process.stdout.write(`\n${JSON.stringify({ benchmark: name, smoke, seconds: (Date.now() - started) / 1000, machine: machineInfo(), ...report.json })}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: Error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
