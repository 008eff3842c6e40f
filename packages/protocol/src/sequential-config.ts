// What a sequential split learning run (method `sl`) cannot combine with, said in the run config's own words: one
// volunteer trains at a time, so the round's adapter is one volunteer's — neither DP-FedAvg's clipped mean nor a
// secure sum hides anything — and every turn trains the one shared server adapter (SFL-V2).
import type { z } from 'zod';

/** The fields the checks read (the run config before its refinements). */
interface SequentialFields {
  dp: unknown;
  secureAggregation: boolean;
  sfl: 'v1' | 'v2';
}

export function addSequentialIssues(c: SequentialFields, ctx: z.RefinementCtx): void {
  if (c.secureAggregation) {
    ctx.addIssue({ code: 'custom', path: ['secureAggregation'], message: 'secure aggregation does not work with method sl: each turn hands one volunteer\'s adapter to the next, and a sum of one update is that update, not secure aggregation; turn it off or use method splitlora' });
  }
  if (c.dp !== null) {
    ctx.addIssue({ code: 'custom', path: ['dp'], message: 'differential privacy (DP-FedAvg) does not work with method sl: the round\'s adapter is the last volunteer\'s, not a noised mean over volunteers; turn dp off or use method splitlora' });
  }
  if (c.sfl !== 'v2') {
    ctx.addIssue({ code: 'custom', path: ['sfl'], message: `method sl trains one shared server adapter through every turn (SFL-V2); sfl ${c.sfl} keeps one per volunteer — use sfl v2` });
  }
}
