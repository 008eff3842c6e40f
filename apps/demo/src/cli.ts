// `pnpm demo`: starts a server and a Node fleet, trains the run to the end with progress on stderr, and ends with
// one JSON object on the last line of stdout (model and whether its weights are pretrained or random, rounds,
// losses, traffic, backend, leaked tensors, adapter folder).
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FleetProgress, parseShardMode, startNodeFleet } from '@splitlora/fleet';
import { ensureDataDir } from '@splitlora/node';
import { describeModel, modelWeights, type RoundRecord } from '@splitlora/protocol';
import { startDemoCluster } from './scale-cluster.js';
import { DEMO_HELP, parseDemoOptions } from './demo-options.js';

async function main(): Promise<void> {
  const options = parseDemoOptions(process.argv.slice(2));
  if (options === null) {
    process.stdout.write(DEMO_HELP);
    return;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const dataDir = await ensureDataDir(options.dataDir, log);
  const cluster = await startDemoCluster({ ...options, dataDir }, log);
  const server = cluster.server;
  log(`server on ${server.url} (tfjs ${server.backend} on ${server.device.name}); dashboard: ${server.url}/admin/?token=${server.adminToken}`);
  const baseline = tf.memory().numTensors;
  const run = await server.host.create(options.run);
  const rounds = options.run.rounds;
  log(`run ${run.runId}: ${options.run.method} on ${describeModel(options.run.model)}, cut ${options.run.cut}${options.run.layout === 'u-shaped' ? ' (u-shaped)' : ''}, SFL-${options.run.sfl.toUpperCase()}, ${options.clients} volunteers × ${rounds} rounds × ${options.run.localSteps} local steps`);
  const progress = new FleetProgress(options.clients);
  /** Activation noise: each volunteer's own latest per-example figure (how often it sent each example). */
  const volunteerNoise = new Map<number, { releasesPerExample: number; epsilon: number | null }>();
  const fleet = startNodeFleet({
    server: cluster.fleetUrl, clients: options.clients, workers: options.workers,
    shards: { dataPath: join(dataDir, 'e2e', 'devset.csv'), clients: options.clients, mode: parseShardMode(options.shard), seed: options.run.seed },
    onEvent: (index, event) => {
      progress.record(index, event);
      if (event.type === 'activation-privacy') volunteerNoise.set(index, { releasesPerExample: event.releasesPerExample, epsilon: event.epsilon });
      if (event.type === 'round-end' && index === 0) log(`round ${event.round}/${rounds}: train loss ${event.trainLoss?.toFixed(4)}, eval loss ${event.evalLoss?.toFixed(4)}`);
      if (event.type === 'error') log(`volunteer ${index}: ${event.message}`);
    },
  });
  run.start();
  const ticker = setInterval(() => log(progress.line()), 3000);
  const result = await fleet.done.finally(() => clearInterval(ticker));
  while (!run.machine.isOver()) await new Promise((r) => setTimeout(r, 100));
  const records = run.metricHistory().filter((m): m is RoundRecord => m.kind === 'round').sort((a, b) => a.round - b.round);
  // LoRA methods end with a PEFT adapter; block-training methods with a Hugging Face checkpoint (and, split, the server's adapter).
  const modelDir = await run.exportModel();
  const adapterDir = modelDir === null || options.run.method === 'cybgd-split' ? await run.exportCombined().catch(() => null) : null;
  const state = run.machine.state;
  const noiseFigures = run.snapshot().activationNoise ?? null;
  await server.host.dispose();
  const serverLeaked = tf.memory().numTensors - baseline;
  const tensorsLeaked = serverLeaked + result.tensorsLeaked;
  if (tensorsLeaked !== 0) log(`leaked tensors: server ${serverLeaked}, volunteers ${result.tensorsLeaked}`);
  const serverProcesses = cluster.processes();
  await cluster.close();
  const summary = {
    rounds: records.filter((r) => r.round > 0).map((r) => ({
      round: r.round, trainLoss: r.trainLoss, evalLoss: r.evalLoss, tokens: r.tokens, bytesUp: r.bytesUp, bytesDown: r.bytesDown, clients: r.clients, seconds: r.seconds,
      epsilon: r.privacy?.dp?.epsilon ?? null, secureAggregation: r.privacy?.secureAggregation ?? null,
    })),
    privacy: {
      dp: options.run.dp, secureAggregation: options.run.secureAggregation,
      // The run's stated figures (one release; one per round) and what each volunteer counted (index order).
      activationNoise: noiseFigures === null ? null : { ...noiseFigures, volunteers: [...volunteerNoise.entries()].sort(([a], [b]) => a - b).map(([, v]) => v) },
    },
    initialEvalLoss: records.find((r) => r.round === 0)?.evalLoss ?? null,
    method: options.run.method, model: options.run.model, weights: modelWeights(options.run.model), cut: options.run.cut, layout: options.run.layout, backend: server.backend,
    device: server.device, clientBackend: result.backend, sfl: options.run.sfl, wireDtype: options.run.wireDtype, state, volunteers: result.outcomes, tensorsLeaked,
    adapterDir, modelDir, serverProcesses,
  };
  if (!options.json) {
    log('');
    for (const r of summary.rounds) {
      const privacy = `${r.epsilon === null ? '' : `  ε ${r.epsilon.toFixed(3)}`}${r.secureAggregation === null ? '' : `  secure aggregation of ${r.secureAggregation.survivors}`}`;
      log(`round ${r.round}: train ${r.trainLoss?.toFixed(4) ?? '— (kept in the tabs)'}  eval ${r.evalLoss?.toFixed(4)}  ${r.tokens} tokens  ↑${(r.bytesUp / 1e6).toFixed(2)} MB ↓${(r.bytesDown / 1e6).toFixed(2)} MB  ${r.seconds.toFixed(1)} s${privacy}`);
    }
    log(`${modelDir === null ? '' : `final model (Hugging Face): ${modelDir}; `}final adapter (PEFT): ${adapterDir ?? '—'}; leaked tensors: ${tensorsLeaked}`);
  }
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  // A run the ε budget stopped ended as configured (its rounds within the budget are in the summary).
  const stoppedByBudget = state === 'stopped' && options.run.dp?.epsilonBudget != null;
  if ((state !== 'finished' && !stoppedByBudget) || tensorsLeaked !== 0) process.exitCode = 1;
}

main().catch((error: Error) => {
  process.stderr.write(`error: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
