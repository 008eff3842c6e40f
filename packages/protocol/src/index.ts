// Public surface of @splitlora/protocol.
export * from './half-precision.js';
