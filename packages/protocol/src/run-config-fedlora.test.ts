// The run config takes method fedlora (federated LoRA): it trains in the tab, averages adapters (so DP-FedAvg and
// secure aggregation apply), refuses the u-shaped layout, and says truthfully what leaves the tab.
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from './run-config.js';
import { averagesAdapters, methodUploadSummary, trainsBlocks, trainsLocally } from './training-method.js';

const dp = { noiseMultiplier: 1, clipNorm: 1, delta: 1e-5 };

describe('run config: method fedlora', () => {
  it('is accepted, trains locally with LoRA (no blocks) and averages adapters', () => {
    const parsed = runConfigSchema.parse({ method: 'fedlora' });
    expect(parsed.method).toBe('fedlora');
    expect(runConfigSchema.parse({}).method).toBe('splitlora');
    expect(trainsLocally('fedlora')).toBe(true);
    expect(trainsBlocks('fedlora')).toBe(false);
    expect(averagesAdapters('fedlora')).toBe(true);
    expect(averagesAdapters('cybgd')).toBe(false);
  });

  it('takes differential privacy and secure aggregation, which the block methods refuse', () => {
    expect(runConfigSchema.safeParse({ method: 'fedlora', dp }).success).toBe(true);
    expect(runConfigSchema.safeParse({ method: 'fedlora', secureAggregation: true, minClients: 2 }).success).toBe(true);
    const refused = runConfigSchema.safeParse({ method: 'cybgd', dp, secureAggregation: true, minClients: 2 });
    expect(refused.success).toBe(false);
    const messages = refused.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('dp: differential privacy is available with methods splitlora and fedlora only, not cybgd');
    expect(messages).toContain('secureAggregation: secure aggregation is available with methods splitlora and fedlora only, not cybgd');
  });

  it('refuses the u-shaped layout and an unknown method, naming them', () => {
    const uShaped = runConfigSchema.safeParse({ method: 'fedlora', layout: 'u-shaped' });
    expect(uShaped.success).toBe(false);
    expect(uShaped.error!.issues.find((i) => i.path.join('.') === 'layout')?.message).toContain('not fedlora');
    const unknown = runConfigSchema.safeParse({ method: 'fedsgd' });
    expect(unknown.success).toBe(false);
    expect(unknown.error!.issues[0]!.path).toEqual(['method']);
  });

  it('tells the volunteer that its whole-model adapter leaves the tab, and no activations or token ids', () => {
    const text = methodUploadSummary('fedlora');
    expect(text).toContain('LoRA adapter of every block');
    expect(text).toContain('no activations, no token ids');
  });
});
