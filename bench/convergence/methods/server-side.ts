// The server side of the split methods: the real ServerSplit with the server's own server-adapter policy (SFL-V1
// copies averaged per round, or one shared SFL-V2 adapter).
import { initAdapter } from '@splitlora/core';
import { ServerSplit } from '@splitlora/server';
import type { World } from '../setup.js';

export function createServerSplit(world: World, sfl: 'v1' | 'v2'): ServerSplit {
  const { config, lora, settings, plan } = world;
  return new ServerSplit(plan, world.hostParams, { ...world.run, sfl }, {
    serverAdapter: initAdapter(config, lora, settings.cut, config.n_layer, settings.seed), optimizer: null,
  });
}
