// Public surface of @splitlora/protocol: the wire contract shared by server, clients and dashboards.
export * from './version.js';
export * from './error-codes.js';
export * from './half-precision.js';
export * from './tensor-frame.js';
export * from './run-config.js';
export * from './messages.js';
export * from './events.js';
export * from './limits.js';
export * from './leakage-figures.js';
