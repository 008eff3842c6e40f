// The server side of the split methods: the real ServerSplit (SFL-V1 copies or one shared SFL-V2 adapter, the
// server's own server-adapter policy) aggregating with the world's strategy.
import { initAdapter } from '@splitlora/core';
import { ServerSplit } from '@splitlora/server';
import type { World } from '../setup.js';

export function createServerSplit(world: World, sfl: 'v1' | 'v2'): ServerSplit {
  const { config, lora, settings, plan } = world;
  return new ServerSplit(plan, world.hostParams, { ...world.run, sfl }, {
    serverAdapter: initAdapter(config, lora, settings.cut, config.n_layer, settings.seed), optimizer: null,
  }, world.strategy);
}
