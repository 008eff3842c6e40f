// Public surface of the privacy code: differential privacy (RDP accountant, budget, DP-FedAvg, activation noise)
// and secure aggregation (Bonawitz et al. 2017) as transport-free state machines, with their PRG and WebCrypto glue.
export * from './web-crypto.js';
export * from './flat-adapter.js';
export * from './random/chacha20.js';
export * from './random/gaussian-noise.js';
export * from './random/random-bytes.js';
export * from './dp/rdp.js';
export * from './dp/rdp-accountant.js';
export * from './dp/privacy-budget.js';
export * from './dp/dp-fedavg.js';
export * from './dp/activation-noise.js';
export * from './secagg/secagg-config.js';
export * from './secagg/quantize.js';
export * from './secagg/shamir-gf256.js';
export * from './secagg/secagg-messages.js';
export * from './secagg/secagg-client.js';
export * from './secagg/secagg-server.js';
export * from './secagg/in-memory-round.js';
