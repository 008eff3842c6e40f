// The run config refuses combinations of the u-shaped layout with options (secure aggregation, block-training methods) that cannot work together.
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from './run-config.js';

describe('run config: u-shaped layout', () => {
  it('accepts the u-shaped layout alone and secure aggregation alone, and refuses the two together', () => {
    expect(runConfigSchema.safeParse({ layout: 'u-shaped', minClients: 2 }).success).toBe(true);
    expect(runConfigSchema.safeParse({ layout: 'standard', secureAggregation: true, minClients: 2 }).success).toBe(true);
    const both = runConfigSchema.safeParse({ layout: 'u-shaped', secureAggregation: true, minClients: 2 });
    expect(both.success).toBe(false);
    const issue = both.error!.issues.find((i) => i.path.join('.') === 'secureAggregation');
    expect(issue?.message).toContain('secure aggregation does not work with the u-shaped layout');
  });

  it('accepts the u-shaped layout with method splitlora only, and refuses it with the block-training methods', () => {
    expect(runConfigSchema.safeParse({ layout: 'u-shaped', method: 'splitlora' }).success).toBe(true);
    for (const method of ['cybgd', 'cybgd-split'] as const) {
      expect(runConfigSchema.safeParse({ layout: 'standard', method }).success).toBe(true);
      const refused = runConfigSchema.safeParse({ layout: 'u-shaped', method });
      expect(refused.success).toBe(false);
      const issue = refused.error!.issues.find((i) => i.path.join('.') === 'layout');
      expect(issue?.message).toContain(`the u-shaped layout is defined for method splitlora only, not ${method}`);
    }
  });
});
