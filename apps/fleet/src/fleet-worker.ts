// A worker thread of the Node fleet: hosts a few volunteers on its own tfjs backend and reports their events.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { memoryAssetCache } from '@splitlora/client';
import { type NodeBackendChoice, selectNodeBackend } from '@splitlora/node';
import { startFleetClient } from './fleet-client.js';
import type { ShardSpec } from './fleet-data.js';
import type { WorkerReport } from './fleet-messages.js';

interface WorkerInput {
  server: string;
  indices: number[];
  shards: ShardSpec;
  backend: NodeBackendChoice;
}

const input = (workerData as { input: WorkerInput }).input;
const post = (report: WorkerReport) => parentPort!.postMessage(report);

async function main(): Promise<void> {
  const selection = await selectNodeBackend(input.backend);
  post({ type: 'backend', backend: selection.backend });
  const baseline = tf.memory().numTensors;
  const cache = memoryAssetCache();
  const clients = input.indices.map((index) => startFleetClient({ server: input.server, index, shards: input.shards, cache, onEvent: (i, event) => post({ type: 'event', index: i, event }) }));
  parentPort!.on('message', (message: { type: 'leave' }) => {
    if (message.type === 'leave') clients.forEach((c) => void c.volunteer.leave());
  });
  const outcomes = await Promise.all(clients.map((c) => c.done));
  post({ type: 'done', outcomes: Object.fromEntries(input.indices.map((index, i) => [index, outcomes[i]!])), tensorsLeaked: tf.memory().numTensors - baseline });
}

main().catch((error: Error) => post({ type: 'fatal', message: error.stack ?? error.message }));
