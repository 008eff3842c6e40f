// What scale-out serves today: split workers run SplitLoRA's standard-layout steps on their own server-adapter copies.
// Other methods and the u-shaped layout are refused when the run is created (or resumed) on a coordinator, with what
// to do instead, rather than at a volunteer's first step.
import type { RunConfig } from '@splitlora/protocol';

export function scaleOutRefusal(config: Pick<RunConfig, 'method' | 'layout'>): string | null {
  if (config.method !== 'splitlora') {
    return `method ${config.method} is not served by split workers yet (they run SplitLoRA's split steps only); start the server as one process (no --role, no --server-processes) for it`;
  }
  if (config.layout === 'u-shaped') {
    return 'the u-shaped layout is not served by split workers yet; start the server as one process (no --role, no --server-processes) for it';
  }
  return null;
}
