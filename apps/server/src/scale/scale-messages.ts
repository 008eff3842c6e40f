// What the coordinator and its split workers say to each other through Redis (issue 18): worker → coordinator on
// one stream (ordered per worker: a volunteer's steps always arrive before its update), coordinator → workers on
// another (replies to a worker's requests included, addressed to it). Adapters travel as Redis keys.
import type { BackendName, HeldOutReport, RoundStart, RunConfig, RunInfo, Stamp } from '@splitlora/protocol';

/** Requests a worker forwards for one of its volunteers' sockets; the coordinator answers each. */
export type WorkerRequest =
  | { op: 'join'; backend: BackendName; name: string | undefined; resumeToken: string | undefined }
  | { op: 'ready'; runId: string }
  /** The adapter frames wait under `adapterKey`; `meanLoss` is absent and `heldOut` may be present in a u-shaped run. */
  | { op: 'update'; stamp: Stamp; tokens: number; meanLoss?: number; heldOut?: HeldOutReport; seconds: number; adapterKey: string };

export type WorkerToCoordinator =
  | { kind: 'request'; id: number; worker: string; socketId: string; request: WorkerRequest }
  /** A step the worker trained (its mirror of the round accepted it); `latencyMs` from its arrival to its answer. */
  | { kind: 'step'; worker: string; runId: string; clientId: string; round: number; step: number; loss: number; tokens: number; latencyMs: number }
  /** Once a second: the milliseconds the worker's model queue has computed in all (for load measurements). */
  | { kind: 'load'; worker: string; busyMs: number }
  | { kind: 'status'; worker: string; socketId: string; state: 'idle' | 'downloading' | 'training' | 'paused'; tokensPerSecond: number }
  | { kind: 'gone'; worker: string; socketId: string }
  | { kind: 'traffic'; worker: string; sockets: [socketId: string, up: number, down: number][] }
  /** The worker's server-adapter copy at a round's end: `tokens` it trained this round, the adapter under `adapterKey`. */
  | { kind: 'serverCopy'; worker: string; runId: string; round: number; tokens: number; adapterKey: string | null }
  | { kind: 'hello'; worker: string; url: string };

export type CoordinatorToWorkers =
  /** A coordinator (re)started: it knows no volunteer yet, so every worker says hello and lets its volunteers reconnect. */
  | { type: 'coordinator'; epoch: string }
  /** The answer to one request of `worker`. */
  | { type: 'reply'; worker: string; reply: WorkerReply }
  /** The current run changed: read it from RUN_KEY and its server adapter from SERVER_ADAPTER_KEY. */
  | { type: 'run' }
  | { type: 'runState'; info: RunInfo }
  | { type: 'roundStart'; socketId: string; clientId: string; msg: RoundStart }
  /** Round end: send your server-adapter copy (its local reporters close it first). */
  | { type: 'collect'; runId: string; round: number; reporters: string[] }
  /** The averaged server adapter is under SERVER_ADAPTER_KEY: every copy starts the next round from it. */
  | { type: 'serverGlobal'; runId: string }
  /** The round restarts: copies go back to the global server adapter. */
  | { type: 'abort'; runId: string };

export type WorkerReply = { id: number; ok: true; data: unknown } | { id: number; ok: false; code: string; message: string };

/** The run every worker follows, under RUN_KEY. */
export interface RunDescriptor {
  runId: string;
  config: RunConfig;
}
