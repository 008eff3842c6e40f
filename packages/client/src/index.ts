// Public surface of @splitlora/client: the volunteer (its state machine, session and round loop) and what hosts need
// to run it.
export * from './asset-cache.js';
export * from './asset-download.js';
export * from './client-model.js';
export * from './local-trainer.js';
export * from './fedlora-trainer.js';
export * from './u-shaped-trainer.js';
export * from './server-failover.js';
export * from './round-trainer.js';
export * from './block-training/local-block-trainer.js';
export * from './block-training/split-block-trainer.js';
export * from './socket-types.js';
export * from './traffic-meter.js';
export * from './volunteer/volunteer.js';
export * from './volunteer/volunteer-machine.js';
export * from './volunteer-events.js';
