// The Node fleet: N volunteers spread over worker threads (each with its own tfjs backend), or all in this
// thread when workers = 0. Reports every volunteer event to the caller and resolves when all are done.
import type { Worker } from 'node:worker_threads';
import type { VolunteerEvent, VolunteerOutcome } from '@splitlora/client';
import { memoryAssetCache } from '@splitlora/client';
import { type NodeBackendChoice, selectNodeBackend, startTsWorker } from '@splitlora/node';
import * as tf from '@tensorflow/tfjs-core';
import { startFleetClient } from './fleet-client.js';
import type { ShardSpec } from './fleet-data.js';
import type { WorkerReport } from './fleet-messages.js';

export interface NodeFleetOptions {
  server: string;
  clients: number;
  shards: ShardSpec;
  /** Worker threads; 0 runs every volunteer in this thread. Default: min(clients, 2). */
  workers?: number;
  backend?: NodeBackendChoice;
  onEvent?: (index: number, event: VolunteerEvent) => void;
}

export interface FleetResult {
  outcomes: VolunteerOutcome[];
  /** Tensors left alive by the volunteers after they finished (should be 0). */
  tensorsLeaked: number;
  backend: string;
}

export interface NodeFleet {
  done: Promise<FleetResult>;
  /** Every volunteer leaves the run. */
  leave(): void;
}

export function startNodeFleet(options: NodeFleetOptions): NodeFleet {
  const workers = Math.min(options.workers ?? Math.min(options.clients, 2), options.clients);
  const onEvent = options.onEvent ?? (() => {});
  if (workers === 0) return inThisThread(options, onEvent);
  const groups: number[][] = Array.from({ length: workers }, () => []);
  for (let i = 0; i < options.clients; i++) groups[i % workers]!.push(i);
  const entry = new URL('./fleet-worker.ts', import.meta.url);
  const threads = groups.map((indices) => startTsWorker(entry, { server: options.server, indices, shards: options.shards, backend: options.backend ?? 'wasm' }));
  const outcomes: VolunteerOutcome[] = new Array(options.clients);
  let leaked = 0;
  let backend = 'unknown';
  const done = Promise.all(threads.map((thread) => new Promise<void>((resolve, reject) => {
    thread.on('message', (report: WorkerReport) => {
      if (report.type === 'backend') backend = report.backend;
      else if (report.type === 'event') onEvent(report.index, report.event);
      else if (report.type === 'done') {
        for (const [index, outcome] of Object.entries(report.outcomes)) outcomes[Number(index)] = outcome;
        leaked += report.tensorsLeaked;
        void thread.terminate().then(() => resolve());
      } else if (report.type === 'fatal') reject(new Error(`fleet worker failed: ${report.message}`));
    });
    thread.on('error', reject);
  }))).then(() => ({ outcomes, tensorsLeaked: leaked, backend }));
  return { done, leave: () => threads.forEach((t) => t.postMessage({ type: 'leave' })) };
}

function inThisThread(options: NodeFleetOptions, onEvent: (index: number, event: VolunteerEvent) => void): NodeFleet {
  const clients: ReturnType<typeof startFleetClient>[] = [];
  const done = (async () => {
    const selection = await selectNodeBackend(options.backend ?? 'wasm');
    const baseline = tf.memory().numTensors;
    const cache = memoryAssetCache();
    for (let index = 0; index < options.clients; index++) clients.push(startFleetClient({ server: options.server, index, shards: options.shards, cache, onEvent }));
    const outcomes = await Promise.all(clients.map((c) => c.done));
    return { outcomes, tensorsLeaked: tf.memory().numTensors - baseline, backend: selection.backend };
  })();
  return { done, leave: () => clients.forEach((c) => void c.volunteer.leave()) };
}
