// Method sl in the run config: accepted with SFL-V2, refused with secure aggregation, DP or SFL-V1, each with its reason.
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from './run-config.js';

function issuesOf(input: Record<string, unknown>): { path: string; message: string }[] {
  const parsed = runConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('run config: method sl', () => {
  it('is accepted with its defaults (SFL-V2, no DP, no secure aggregation)', () => {
    const parsed = runConfigSchema.parse({ method: 'sl' });
    expect(parsed.method).toBe('sl');
    expect(parsed.sfl).toBe('v2');
  });

  it('refuses secure aggregation once, saying a sum of one update is not secure aggregation', () => {
    const issues = issuesOf({ method: 'sl', secureAggregation: true, minClients: 2 });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('secureAggregation');
    expect(issues[0]!.message).toContain('a sum of one update is that update, not secure aggregation');
  });

  it('refuses differential privacy and SFL-V1 with their reasons', () => {
    const dp = issuesOf({ method: 'sl', dp: { noiseMultiplier: 1, clipNorm: 1 } });
    expect(dp.map((i) => i.path)).toEqual(['dp']);
    expect(dp[0]!.message).toContain('does not work with method sl');
    const v1 = issuesOf({ method: 'sl', sfl: 'v1' });
    expect(v1.map((i) => i.path)).toEqual(['sfl']);
    expect(v1[0]!.message).toContain('use sfl v2');
  });
});
