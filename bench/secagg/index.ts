// `pnpm bench secagg`: what secure aggregation adds to one round — bytes per volunteer and seconds per party — for
// 3, 10 and 50 volunteers on the paper's client adapter, all parties in this process (no transport), against plain
// FedAvg's upload and host-side averaging measured in the same run; `--real`: in real runs (real-report.ts).
import {
  adapterLayout, countAdapterParams, fedAvgHost, gpt2Config, type NamedHostTensors, PAPER_LORA, runInMemoryRound, type DropPoint, defaultThreshold,
} from '@splitlora/core';
import { type BenchOptions, type BenchReport, type Cell, defineBenchmark } from '../lib/report.js';
import { mean, median, round } from '../lib/stats.js';
import { runRealSecAgg } from './real-report.js';

export const secaggBenchmark = defineBenchmark('secagg', [
  { name: 'real', help: 'real runs instead: a server and a Node fleet, secure aggregation off and on' },
  { name: 'clients', value: 'LIST', help: 'volunteers per round (default 3,10,50)' },
  { name: 'rounds', value: 'N', help: 'rounds per setting, the first not counted (default 5; --real: 3)' },
  { name: 'timeout-min', value: 'N', help: '--real: minutes a run may take (default 30)' },
  { name: 'dropouts', value: 'LIST', help: 'volunteers that drop before their masked input, per setting (default 0,1)' },
  { name: 'length', value: 'N', help: 'elements per update (default: the paper adapter, LoRA r=4 on q,v of gpt2 blocks 0-2)' },
], runSecAggBench);

/** The paper's client adapter: LoRA r=4 on q and v of GPT-2 small's blocks 0–2 (the cut after block 3 keeps 0..2). */
function paperAdapterLength(): number {
  return countAdapterParams(adapterLayout(gpt2Config('gpt2'), PAPER_LORA, 0, 3));
}

interface SettingResult {
  clients: number;
  dropped: number;
  threshold: number;
  rounds: number;
  bytesPerVolunteer: { up: number; down: number; addedUp: number; addedDown: number; maskedInput: number };
  serverBytes: { in: number; out: number };
  volunteerMs: number;
  serverMs: number;
  plainServerMs: number;
  roundSeconds: number;
  maxAbsError: number;
  errorBound: number;
}

function updates(clients: number, length: number, round: number): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (let c = 0; c < clients; c++) {
    const v = new Float32Array(length);
    for (let i = 0; i < length; i++) v[i] = Math.sin(0.001 * i * (c + 1) + round) * 0.01; // clipped-update-sized values
    out[`volunteer-${String(c).padStart(2, '0')}`] = v;
  }
  return out;
}

/** Plain FedAvg's server work on the same vectors: fedAvgHost over host adapters (what the server does today), best of 3. */
function plainAverageMs(inputs: Record<string, Float32Array>): number {
  const entries = Object.entries(inputs).map(([source, data]) => ({ source, weight: 1, adapter: { update: { shape: [data.length], data } } as NamedHostTensors }));
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    fedAvgHost(entries);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

async function measure(clients: number, dropped: number, length: number, rounds: number, log: (line: string) => void): Promise<SettingResult> {
  const threshold = defaultThreshold(clients);
  const samples: { volunteerMs: number; serverMs: number; plainMs: number; wall: number; up: number; down: number; serverIn: number; serverOut: number; error: number; bound: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    const inputs = updates(clients, length, r);
    const ids = Object.keys(inputs);
    const dropouts: Record<string, DropPoint> = Object.fromEntries(ids.slice(1, 1 + dropped).map((id) => [id, 'before-masked-input']));
    const t0 = performance.now();
    const outcome = await runInMemoryRound({ config: { context: `bench/round-${r}`, threshold, vectorLength: length, range: 1, maxClients: clients }, inputs, dropouts, clock: () => performance.now() });
    const wall = performance.now() - t0;
    if (outcome.result === null) throw new Error(`secure aggregation of ${clients} volunteers failed: ${outcome.error?.message}`);
    const survivors = outcome.result.survivors;
    let error = 0;
    for (let i = 0; i < length; i++) {
      let plain = 0;
      for (const id of survivors) plain += inputs[id]![i]!;
      error = Math.max(error, Math.abs(outcome.result.sum[i]! - plain));
    }
    const full = [...outcome.costs.clients.entries()].filter(([id]) => survivors.includes(id)).map(([, c]) => c); // volunteers that took part to the end
    samples.push({
      volunteerMs: mean(full.map((c) => c.ms)), serverMs: outcome.costs.serverMs, plainMs: plainAverageMs(Object.fromEntries(survivors.map((id) => [id, inputs[id]!]))), wall,
      up: mean(full.map((c) => c.bytesUp)), down: mean(full.map((c) => c.bytesDown)),
      serverIn: [...outcome.costs.clients.values()].reduce((s, c) => s + c.bytesUp, 0), serverOut: [...outcome.costs.clients.values()].reduce((s, c) => s + c.bytesDown, 0),
      error, bound: outcome.result.errorBound,
    });
    log(`${clients} volunteers, ${dropped} dropped, round ${r + 1}/${rounds}: ${(wall / 1000).toFixed(2)} s, error ${error.toExponential(1)} ≤ ${outcome.result.errorBound.toExponential(1)}`);
  }
  const timed = samples.length > 1 ? samples.slice(1) : samples; // the first round warms up the JIT
  const last = samples.at(-1)!;
  return {
    clients, dropped, threshold, rounds,
    bytesPerVolunteer: { up: last.up, down: last.down, addedUp: last.up - 4 * length, addedDown: last.down, maskedInput: 4 * length },
    serverBytes: { in: last.serverIn, out: last.serverOut },
    volunteerMs: round(median(timed.map((s) => s.volunteerMs)), 1),
    serverMs: round(median(timed.map((s) => s.serverMs)), 1),
    plainServerMs: round(median(timed.map((s) => s.plainMs)), 2),
    roundSeconds: round(median(timed.map((s) => s.wall)) / 1000, 2),
    maxAbsError: Math.max(...samples.map((s) => s.error)),
    errorBound: Math.min(...samples.map((s) => s.bound)),
  };
}

async function runSecAggBench(options: BenchOptions): Promise<BenchReport> {
  if (options.flags.bool('real')) return runRealSecAgg(options);
  const { smoke, flags, log } = options;
  const clientCounts = flags.numbers('clients', smoke ? [3] : [3, 10, 50]);
  const dropoutCounts = flags.list('dropouts', smoke ? ['0', '1'] : ['0', '1']).map(Number);
  const rounds = flags.number('rounds', smoke ? 1 : 5, { min: 1, max: 100 });
  const length = flags.number('length', paperAdapterLength(), { min: 1, max: 50_000_000 });
  const results: SettingResult[] = [];
  for (const clients of clientCounts) {
    for (const dropped of dropoutCounts) {
      if (!Number.isInteger(dropped) || dropped < 0 || clients - dropped < defaultThreshold(clients)) {
        log(`skipping ${clients} volunteers with ${dropped} dropped: below the threshold ${defaultThreshold(clients)}`);
        continue;
      }
      results.push(await measure(clients, dropped, length, rounds, log));
    }
  }
  const kib = (bytes: number) => round(bytes / 1024, 1);
  const rows: Cell[][] = results.map((r) => [
    r.clients, r.dropped, r.threshold, kib(r.bytesPerVolunteer.up), kib(r.bytesPerVolunteer.addedUp), kib(r.bytesPerVolunteer.addedDown),
    r.volunteerMs, r.serverMs, r.plainServerMs, r.roundSeconds,
  ]);
  const correct = results.every((r) => r.maxAbsError <= r.errorBound + 1e-12);
  return {
    name: 'secagg',
    tables: [{
      title: `Secure aggregation per round, ${length} elements per update (${round((4 * length) / 1024, 1)} KiB fp32), all parties in memory`,
      columns: ['volunteers', 'dropped', 't', 'up KiB/volunteer', 'added up KiB', 'added down KiB', 'volunteer ms', 'server ms', 'plain FedAvg server ms', 'round s (all parties)'],
      rows,
      notes: [
        'bytes: payload of the protocol messages (binary fields + ids, no socket.io framing), per volunteer that stayed to the end; the masked input is 4 bytes per element, the same as the fp32 adapter plain FedAvg uploads, so "added up" is keys, encrypted shares and unmasking shares; "added down" is the key list, relayed shares and the unmask request (the global adapter comes down in both modes).',
        'volunteer ms: time one volunteer spends in its four steps (keys, shares, masking, unmasking); server ms: the server\'s whole round including unmasking (and rebuilding a dropped volunteer\'s masks); plain FedAvg server ms: fedAvgHost over the same vectors; round s: wall time of the whole round with every party in this one process (≈ all volunteers\' time + the server\'s). Medians over the rounds after the first (which warms up the JIT).',
        'dropped: volunteers that shared keys but never sent their masked input (the costly case: the server rebuilds their keys and removes their pairwise masks).',
        `check: the unmasked sum equals the plain sum within the encoding bound in every round: ${correct ? 'yes' : 'NO'}.`,
      ],
    }],
    json: { vectorLength: length, adapter: length === paperAdapterLength() ? 'gpt2, LoRA r=4 on q,v, blocks 0-2' : 'custom length', correct, results },
  };
}
