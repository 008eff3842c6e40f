// Public surface of @splitlora/protocol: the wire contract shared by server, clients and dashboards.
export * from './version.js';
export * from './error-codes.js';
export * from './half-precision.js';
export * from './tensor-frame.js';
export * from './model-presets.js';
export * from './lora-config.js';
export * from './run-config.js';
export * from './training-method.js';
export * from './shared-records.js';
export * from './volunteer-messages.js';
export * from './admin-messages.js';
export * from './event-table.js';
export * from './request.js';
export * from './embedded-models.js';
export * from './limits.js';
export * from './leakage-figures.js';
