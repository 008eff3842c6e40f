// The run config refuses combinations of the u-shaped layout with options that cannot work together.
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
});
