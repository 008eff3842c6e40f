// The `--real` mode of `pnpm bench secagg`: for each volunteer count, the same real run with secure aggregation off
// and on, one after the other, and the table of what it adds per round (bytes up, bytes down, seconds) and the ratios.
import type { BenchOptions, BenchReport, Cell } from '../lib/report.js';
import { round } from '../lib/stats.js';
import { measureRealRun, type RealRunResult } from './real-run.js';

export interface RealComparison {
  clients: number;
  off: RealRunResult;
  on: RealRunResult;
  added: { upPerVolunteer: number; downPerVolunteer: number; seconds: number };
  ratio: { up: number; down: number; seconds: number };
}

export async function runRealSecAgg({ smoke, flags, log }: BenchOptions): Promise<BenchReport> {
  const clientCounts = flags.numbers('clients', smoke ? [3] : [3, 10, 50]);
  const rounds = flags.number('rounds', smoke ? 2 : 3, { min: 1, max: 100 });
  const timeoutMs = flags.number('timeout-min', 30, { min: 1 }) * 60_000;
  const comparisons: RealComparison[] = [];
  const failures: { clients: number; error: string }[] = [];
  for (const clients of clientCounts) {
    try {
      log(`${clients} volunteers: secure aggregation off…`);
      const off = await measureRealRun({ clients, rounds, timeoutMs }, false, log);
      log(`${clients} volunteers: secure aggregation on…`);
      const on = await measureRealRun({ clients, rounds, timeoutMs }, true, log);
      comparisons.push({
        clients, off, on,
        added: { upPerVolunteer: (on.bytesUp - off.bytesUp) / clients, downPerVolunteer: (on.bytesDown - off.bytesDown) / clients, seconds: on.seconds - off.seconds },
        ratio: { up: on.bytesUp / off.bytesUp, down: on.bytesDown / off.bytesDown, seconds: on.seconds / off.seconds },
      });
    } catch (error) {
      log(`${clients} volunteers: ${(error as Error).message}`);
      failures.push({ clients, error: (error as Error).message });
    }
  }
  if (comparisons.length === 0) throw new Error(`no setting finished: ${failures.map((f) => `${f.clients}: ${f.error}`).join('; ')}`);
  const kib = (bytes: number) => round(bytes / 1024, 1);
  const rows: Cell[][] = comparisons.map((c) => [
    c.clients, kib(c.off.bytesUp), kib(c.on.bytesUp), round(c.ratio.up, 3), kib(c.off.bytesDown), kib(c.on.bytesDown), round(c.ratio.down, 3),
    round(c.added.upPerVolunteer / 1024, 2), round(c.added.downPerVolunteer / 1024, 2), round(c.off.seconds, 2), round(c.on.seconds, 2), round(c.ratio.seconds, 2),
  ]);
  return {
    name: 'secagg',
    tables: [{
      title: `Secure aggregation in a real run: per round, off against on (tiny, cut 3, 1 local step × batch 2 × 32 tokens, ${rounds} rounds, first not counted)`,
      columns: ['volunteers', 'up KiB off', 'up KiB on', 'up on/off', 'down KiB off', 'down KiB on', 'down on/off', 'added up KiB/volunteer', 'added down KiB/volunteer', 'round s off', 'round s on', 's on/off'],
      rows,
      notes: [
        'An in-process server (port 0) and a Node fleet (2 worker threads) over socket.io; bytes and seconds are the server\'s round records (every message of every volunteer, socket.io payloads; round start to aggregate), medians over the counted rounds. Both runs of a row have the same seed and settings.',
        'On: every volunteer agrees keys, shares seeds, sends its masked update and helps unmask (three extra exchanges); off: each sends its adapter in the clear (round:update).',
        ...failures.map((f) => `${f.clients} volunteers did not finish: ${f.error}`),
      ],
    }],
    json: { mode: 'real', rounds, comparisons, failures },
  };
}
