// `pnpm fleet`: N volunteers against a running server — Node workers (fast path) or headless browser tabs (--browser).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDataDir, type NodeBackendChoice } from '@splitlora/node';
import { runBrowserFleet } from './browser-fleet.js';
import { parseShardMode } from './fleet-data.js';
import { FleetProgress } from './fleet-progress.js';
import { startNodeFleet } from './node-fleet.js';

const HELP = `SplitLoRA fleet: volunteers for tests, demos and load

  pnpm fleet -- --server URL --clients N [options]

  --server URL     the SplitLoRA server (default http://localhost:8080); split workers: URL,URL,… (volunteers spread
                   over them and fail over to the next when theirs goes away)
  --clients N      number of volunteers (default 3)
  --data PATH      data file each volunteer trains a shard of (.csv E2E, .jsonl, .txt; default: E2E dev set)
  --shard MODE     iid (default) or attr:<attribute> for non-IID E2E shards, e.g. attr:food
  --seed S         shuffling seed (default 0)
  --workers W      Node worker threads (default min(N, 2); 0 = this thread)
  --backend B      wasm (default) or cpu for Node volunteers
  --browser        open N headless Chromium tabs on the volunteer page instead (WebGPU on SwiftShader)
  --json           end with one JSON summary line on stdout
`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv, strict: true,
    options: {
      server: { type: 'string' }, clients: { type: 'string' }, data: { type: 'string' }, shard: { type: 'string' }, seed: { type: 'string' },
      workers: { type: 'string' }, backend: { type: 'string' }, browser: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const server = values.server ?? 'http://localhost:8080';
  const clients = Number(values.clients ?? 3);
  if (!Number.isInteger(clients) || clients < 1) throw new Error(`--clients must be a positive integer, found "${values.clients}"`);
  const dataPath = values.data ?? join(await ensureDataDir(undefined, (l) => process.stderr.write(`${l}\n`)), 'e2e', 'devset.csv');
  const shards = { dataPath, clients, mode: parseShardMode(values.shard), seed: Number(values.seed ?? 0) };
  const progress = new FleetProgress(clients);
  const ticker = setInterval(() => process.stderr.write(`${progress.line()}\n`), 2000);
  let result: { outcomes: string[]; tensorsLeaked?: number; backend: string };
  try {
    if (values.browser) {
      result = await runBrowserFleet({ server, clients, shards, onEvent: (i, e) => progress.record(i, e) });
    } else {
      const backend = (values.backend ?? 'wasm') as NodeBackendChoice;
      const fleet = startNodeFleet({ server, clients, shards, workers: values.workers === undefined ? undefined : Number(values.workers), backend, onEvent: (i, e) => progress.record(i, e) });
      process.once('SIGINT', () => fleet.leave());
      result = await fleet.done;
    }
  } finally {
    clearInterval(ticker);
  }
  process.stderr.write(`${progress.line()}\n`);
  const summary = { ...progress.summary(), outcomes: result.outcomes, backend: result.backend, tensorsLeaked: result.tensorsLeaked ?? null };
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`fleet finished: ${result.outcomes.filter((o) => o === 'finished').length}/${clients} volunteers finished the run\n`);
  if (summary.errors.length > 0) process.exitCode = 1;
}

main().catch((error: Error) => {
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
});
