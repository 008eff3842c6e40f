// One load level of the scale benchmark: N Node-fleet volunteers (worker threads) on one in-process server, or spread
// over split-worker processes behind a coordinator and Redis; after every volunteer trains and a warm-up, a measured
// window of aggregate tokens/s, server busy time, server-side step latency and memory. A server or volunteer failure
// ends the level early with its first error.
import { runConfigSchema, type StepRecord } from '@splitlora/protocol';
import * as tf from '@tensorflow/tfjs-core';
import { type LiveRun, startLiveRun } from '../lib/live-run.js';
import type { ProcessLoad } from '../lib/live-servers.js';
import { memoryMiB } from '../lib/machine.js';
import { percentile, round } from '../lib/stats.js';
import { sleep } from '../lib/timing.js';

export interface LevelSpec {
  clients: number;
  /** Split-worker processes behind a coordinator (null: one in-process server, no Redis). */
  splitWorkers: number | null;
  fleetThreads: number;
  sfl: 'v1' | 'v2';
  batch: number;
  maxSeqLen: number;
  localSteps: number;
  warmupS: number;
  windowS: number;
  /** How long the volunteers may take to join, download and start training (and the longest a window waits for its first step). */
  startLimitS: number;
}

export interface LevelResult {
  clients: number;
  splitWorkers: number | null;
  sfl: 'v1' | 'v2';
  status: 'ok' | 'did not start' | 'failed';
  reason: string | null;
  /** Seconds from the fleet's start until every volunteer had trained a step. */
  startSeconds: number | null;
  windowSeconds: number;
  clientSteps: number;
  clientsTraining: number;
  tokensPerSecond: number | null;
  stepsPerSecond: number | null;
  /** Mean over the processes that train steps (the server, or each split worker). */
  serverBusyPercent: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  roundsCompleted: number;
  /** Peak resident memory of this process (server or coordinator, and the fleet threads) plus the split workers'. */
  rssMiB: number;
  heapUsedMiB: number;
  serverTensorMiB: number;
}

/** Server-side step latencies and mean busy % of the processes between two load snapshots. */
function loadBetween(before: Map<string, ProcessLoad>, after: Map<string, ProcessLoad>, windowMs: number): { latencies: number[]; busyPercent: number } {
  const latencies = [...after].flatMap(([name, load]) => load.latenciesMs.slice(before.get(name)?.latenciesMs.length ?? 0));
  const busy = [...after].map(([name, load]) => load.busyMs - (before.get(name)?.busyMs ?? 0));
  return { latencies, busyPercent: (100 * busy.reduce((s, b) => s + b, 0)) / Math.max(busy.length, 1) / Math.max(windowMs, 1) };
}

function failure(live: LiveRun): string | null {
  const first = (live.serverErrors[0] ?? live.volunteerErrors[0])?.split('\n')[0];
  return first === undefined ? null : `${first}${live.serverErrors.length + live.volunteerErrors.length > 1 ? ` (+${live.serverErrors.length + live.volunteerErrors.length - 1} more)` : ''}`;
}

/** Sleeps `seconds`, waking early with the first failure. */
async function watch(live: LiveRun, seconds: number): Promise<string | null> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const problem = failure(live);
    if (problem !== null) return problem;
    await sleep(Math.min(250, until - Date.now()));
  }
  return failure(live);
}

export async function runLevel(spec: LevelSpec, log: (line: string) => void): Promise<LevelResult> {
  const config = runConfigSchema.parse({
    name: `scale ${spec.clients}`, model: 'tiny', cut: 3, rounds: 100_000, localSteps: spec.localSteps, batchSize: spec.batch,
    maxSeqLen: spec.maxSeqLen, padMultiple: 8, lr: 2e-3, schedule: 'constant', sfl: spec.sfl, minClients: spec.clients,
    maxClients: spec.clients, evalData: null, roundTimeoutSec: 3600,
  });
  const started = Date.now();
  const live = await startLiveRun({ config, clients: spec.clients, fleetThreads: spec.fleetThreads, ...(spec.splitWorkers === null ? {} : { splitWorkers: spec.splitWorkers }), log });
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = memoryMiB();
    peakRss = Math.max(peakRss, round(m.rssMiB + live.servers.childRssMiB(), 1));
    peakHeap = Math.max(peakHeap, m.heapUsedMiB);
  }, 500);
  const stepRecords = () => live.run.metricHistory().filter((m): m is StepRecord => m.kind === 'step');
  const empty = { clientSteps: 0, tokensPerSecond: null, stepsPerSecond: null, serverBusyPercent: null, latencyP50Ms: null, latencyP95Ms: null, roundsCompleted: 0 };
  const base = () => ({ clients: spec.clients, splitWorkers: spec.splitWorkers, sfl: spec.sfl, windowSeconds: spec.windowS, rssMiB: peakRss, heapUsedMiB: peakHeap, serverTensorMiB: round(tf.memory().numBytes / 2 ** 20, 1) });
  let startSeconds: number | null = null;
  try {
    for (;;) {
      const seen = new Set(stepRecords().map((r) => r.clientId));
      const problem = failure(live);
      if (problem !== null) return { ...base(), ...empty, status: 'failed', reason: problem, startSeconds, clientsTraining: seen.size };
      if (seen.size >= spec.clients) break;
      if (Date.now() - started > spec.startLimitS * 1000) {
        return { ...base(), ...empty, status: 'did not start', reason: `only ${seen.size} of ${spec.clients} volunteers trained a step within ${spec.startLimitS} s`, startSeconds, clientsTraining: seen.size };
      }
      await sleep(250);
    }
    startSeconds = round((Date.now() - started) / 1000, 1);
    log(`${spec.clients} volunteers training after ${startSeconds} s; warm-up ${spec.warmupS} s, window ${spec.windowS} s`);
    const warmupProblem = await watch(live, spec.warmupS);
    const run = live.run;
    const t0 = Date.now();
    const load0 = live.servers.load();
    const rounds0 = run.machine.completedRounds;
    let problem = warmupProblem ?? (await watch(live, spec.windowS));
    // A window in which no step was answered measures nothing (a short one on a loaded machine): it goes on until one is.
    while (problem === null && !stepRecords().some((r) => r.time >= t0) && Date.now() - t0 < spec.startLimitS * 1000) problem = await watch(live, 0.25);
    const t1 = Date.now();
    const { latencies, busyPercent } = loadBetween(load0, live.servers.load(), t1 - t0);
    const inWindow = stepRecords().filter((r) => r.time >= t0 && r.time < t1);
    const seconds = (t1 - t0) / 1000;
    const tokens = inWindow.reduce((s, r) => s + r.tokens, 0);
    return {
      ...base(), status: problem === null ? 'ok' : 'failed', reason: problem, startSeconds, windowSeconds: round(seconds, 1), clientSteps: inWindow.length,
      clientsTraining: new Set(inWindow.map((r) => r.clientId)).size, tokensPerSecond: round(tokens / Math.max(seconds, 1e-3), 1),
      stepsPerSecond: round(inWindow.length / Math.max(seconds, 1e-3), 2), serverBusyPercent: round(busyPercent, 1),
      latencyP50Ms: latencies.length ? round(percentile(latencies, 50), 0) : null, latencyP95Ms: latencies.length ? round(percentile(latencies, 95), 0) : null,
      roundsCompleted: run.machine.completedRounds - rounds0,
    };
  } finally {
    clearInterval(sampler);
    await live.close().catch((error: Error) => log(`closing after the level: ${error.message.split('\n')[0]}`));
  }
}
