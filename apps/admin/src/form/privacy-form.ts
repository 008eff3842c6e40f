// The run form's privacy fields (DP-FedAvg, secure aggregation, activation noise): their model, filled from a config
// and mapped back. Numbers are typed text; only when their option is ticked do they reach the config (the schema then checks them).
import type { RunConfig, RunConfigInput } from '@splitlora/protocol';

export interface PrivacyFormModel {
  dpEnabled: boolean;
  dpNoise: string;
  dpClip: string;
  dpDelta: string;
  /** '' = no budget (ε is only reported). */
  dpBudget: string;
  dpOnSpent: 'stop' | 'warn';
  secureAggregation: boolean;
  actNoiseEnabled: boolean;
  actNoiseSigma: string;
  actNoiseClip: string;
}

/** The form field of each `activationNoise.*` config path. */
export const ACT_NOISE_FIELDS: Record<string, keyof PrivacyFormModel> = { noiseMultiplier: 'actNoiseSigma', clipNorm: 'actNoiseClip' };

/** The form field of each `dp.*` config path. */
export const DP_FIELDS: Record<string, keyof PrivacyFormModel> = {
  noiseMultiplier: 'dpNoise', clipNorm: 'dpClip', delta: 'dpDelta', epsilonBudget: 'dpBudget', onBudgetSpent: 'dpOnSpent',
};

export function privacyFromConfig(c: RunConfig): PrivacyFormModel {
  const dp = c.dp;
  return {
    dpEnabled: dp !== null, dpNoise: String(dp?.noiseMultiplier ?? 1), dpClip: String(dp?.clipNorm ?? 0.1), dpDelta: String(dp?.delta ?? 1e-5),
    dpBudget: dp?.epsilonBudget == null ? '' : String(dp.epsilonBudget), dpOnSpent: dp?.onBudgetSpent ?? 'stop', secureAggregation: c.secureAggregation,
    actNoiseEnabled: c.activationNoise !== null, actNoiseSigma: String(c.activationNoise?.noiseMultiplier ?? 1), actNoiseClip: String(c.activationNoise?.clipNorm ?? 1),
  };
}

/** A typed number; empty or not a number gives NaN, which the schema reports on its field. */
function typed(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

export function privacyToConfigInput(m: PrivacyFormModel): Pick<RunConfigInput, 'dp' | 'secureAggregation' | 'activationNoise'> {
  return {
    dp: m.dpEnabled
      ? { noiseMultiplier: typed(m.dpNoise), clipNorm: typed(m.dpClip), delta: typed(m.dpDelta), epsilonBudget: m.dpBudget.trim() === '' ? null : typed(m.dpBudget), onBudgetSpent: m.dpOnSpent }
      : null,
    secureAggregation: m.secureAggregation,
    activationNoise: m.actNoiseEnabled ? { noiseMultiplier: typed(m.actNoiseSigma), clipNorm: typed(m.actNoiseClip) } : null,
  };
}
