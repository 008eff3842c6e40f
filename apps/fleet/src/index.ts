// Public surface of @splitlora/fleet.
export { startNodeFleet, type NodeFleet, type NodeFleetOptions, type FleetResult } from './node-fleet.js';
export { parseShardMode, type ShardMode, type ShardSpec } from './fleet-data.js';
export { FleetProgress, type FleetSummary } from './fleet-progress.js';
