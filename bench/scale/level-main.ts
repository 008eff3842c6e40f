// Child-process entry of one scale level (a fresh process per level: clean memory figures, and a server whose wasm
// heap aborts takes only its own level down). Prints the LevelResult as JSON on its last stdout line.
import { type LevelSpec, runLevel } from './level.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as LevelSpec;
const started = Date.now();
const log = (line: string) => process.stderr.write(`[${spec.clients} clients ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
runLevel(spec, log).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0)),
  (error: Error) => {
    process.stderr.write(`level failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
