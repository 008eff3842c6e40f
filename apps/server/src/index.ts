// Public surface of @splitlora/server.
export { createServer, type ServerOptions, type SplitLoraServer } from './server.js';
export { RoundMachine, type MachineAction, type MachineConfig } from './run/round-machine.js';
export { RunStore } from './run/run-store.js';
export type { Run } from './run/run.js';
export { blockTaskMessage } from './run/block-task-frames.js';
export { ServerSplit, type StepInput, type StepOutput, type ServerSplitState } from './run/server-split.js';
export { RunHost } from './run/run-host.js';
export { type Coordinator, type CoordinatorOptions, startCoordinator, type WorkerLoad } from './scale/coordinator.js';
export { type SplitWorker, startWorker, type WorkerOptions } from './scale/worker.js';
export { type LocalRedis, redisServerPath, startLocalRedis } from './scale/local-redis.js';
export { type ServerProcess, type ServerProcessOptions, spawnServerProcess } from './scale/server-process.js';
