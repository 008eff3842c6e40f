// The page's handle on the training worker: starts it as an ES module worker, sends typed messages, and checks
// every message coming back before the page acts on it.
import { type MainToWorker, readWorkerToMain, type WorkerToMain } from './protocol/worker-messages.js';

export interface WorkerClient {
  send(message: MainToWorker): void;
}

export function startTrainingWorker(onMessage: (message: WorkerToMain) => void, onFailure: (message: string) => void): WorkerClient {
  const worker = new Worker(new URL('./worker/training-worker.ts', import.meta.url), { type: 'module', name: 'splitlora-training' });
  worker.addEventListener('message', (event: MessageEvent<unknown>) => {
    let message: WorkerToMain;
    try {
      message = readWorkerToMain(event.data);
    } catch (error) {
      onFailure(`the training worker sent a message the page does not understand: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    onMessage(message);
  });
  worker.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault();
    onFailure(`the training worker stopped: ${event.message || 'its script could not be loaded'}`);
  });
  worker.addEventListener('messageerror', () => onFailure('a message from the training worker could not be decoded'));
  return { send: (message) => worker.postMessage(message) };
}
