// Boots a TypeScript worker thread: registers tsx's loader in this thread, then imports the worker's entry module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
