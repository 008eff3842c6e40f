// `pnpm bench leak`: tensors alive over 1,000 server steps (ServerSplit.step) and 1,000 client steps (the volunteer's
// LocalTrainer, with a round boundary every 10 steps), sampled every 100 steps; the count must stay flat.
import { type BenchOptions, type BenchReport, type Cell, defineBenchmark } from '../lib/report.js';
import { activateNodeBackend, type NodeBackendName } from '../lib/backends.js';
import { type LeakTrace, traceClientSteps, traceServerSteps } from './traces.js';

export const leakBenchmark = defineBenchmark('leak', [
  { name: 'steps', value: 'N', help: 'steps per side (default 1000)' },
  { name: 'every', value: 'N', help: 'sampling interval in steps (default 100)' },
  { name: 'backend', value: 'NAME', help: 'Node tfjs backend (default wasm)' },
], runLeakBench);

async function runLeakBench({ smoke, flags, log }: BenchOptions): Promise<BenchReport> {
  const steps = flags.number('steps', smoke ? 20 : 1000, { min: 1 });
  const every = flags.number('every', smoke ? 5 : 100, { min: 1 });
  const backend = flags.string('backend', 'wasm') as NodeBackendName;
  const activation = await activateNodeBackend(backend);
  if (!activation.ok) throw new Error(`--backend ${backend} is unavailable: ${activation.reason}`);
  const traces: LeakTrace[] = [];
  log(`server: ${steps} ServerSplit steps on tiny (1×32), sampling every ${every}…`);
  traces.push(await traceServerSteps(steps, every, log));
  log(`client: ${steps} LocalTrainer steps on tiny (1×32), sampling every ${every}…`);
  traces.push(await traceClientSteps(steps, every, log));
  const columns = ['step', ...traces.map((t) => `${t.side}: tensors`), ...traces.map((t) => `${t.side}: MiB`)];
  const rows: Cell[][] = traces[0]!.samples.map((s, i) => [s.step, ...traces.map((t) => t.samples[i]?.numTensors ?? null), ...traces.map((t) => t.samples[i]?.mib ?? null)]);
  const flat = traces.every((t) => t.flat);
  return {
    name: 'leak',
    tables: [{
      title: `Tensors alive over ${steps} steps (${backend})`, columns, rows,
      notes: [
        'step 0 = after one warm-up step (the optimizer creates its moment variables on its first update); flat = every later sample equals it.',
        ...traces.map((t) => `${t.side}: ${t.flat ? 'flat' : 'NOT flat'} (${t.samples[0]!.numTensors} → ${t.samples.at(-1)!.numTensors} tensors), ${t.releasedAll ? 'back to the count before it after dispose()' : 'tensors left after dispose()'}, ${t.seconds} s; ${t.what}`),
      ],
    }],
    json: { backend, steps, every, flat, server: traces[0], client: traces[1] },
  };
}
