// Starts a worker thread on a TypeScript entry module: worker-boot.mjs registers tsx's loader in the new thread, then
// imports the entry (the fleet's volunteers, the server's background evaluations).
import { Worker } from 'node:worker_threads';

export function startTsWorker(entry: URL, input: unknown): Worker {
  return new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { entry: entry.href, input } });
}
