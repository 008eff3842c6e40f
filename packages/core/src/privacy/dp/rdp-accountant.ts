// The privacy ledger of a run: the mechanisms applied so far (noise multiplier, sample rate, count), composed by
// adding their RDP, and ε for a δ — Opacus's RDPAccountant (history merged the same way), serializable for resume.
import { fail } from '../../errors.js';
import { computeRdp, DEFAULT_RDP_ORDERS, type EpsilonAtDelta, epsilonFromRdp, type SampledGaussian, validateSampledGaussian } from './rdp.js';

/**
 * Sampling rate of one round for client-level DP: participants per round / population, or 1 when every volunteer
 * takes part. Amplification by sampling only holds when the round's participants are drawn uniformly at random
 * from a fixed population and the draw stays secret; volunteers who choose when to show up are not such a sample,
 * so use 1 unless the server really samples (see docs/PRIVACY.md).
 */
export function roundSampleRate(participantsPerRound: number, population: number): number {
  if (!Number.isInteger(participantsPerRound) || participantsPerRound < 1) fail('config', `participants per round must be an integer >= 1, found ${participantsPerRound}`);
  if (!Number.isInteger(population) || population < participantsPerRound) fail('config', `population must be an integer >= participants per round (${participantsPerRound}), found ${population}`);
  return participantsPerRound / population;
}

export class RdpAccountant {
  private readonly entries: SampledGaussian[] = [];

  constructor(readonly orders: readonly number[] = DEFAULT_RDP_ORDERS, history: readonly SampledGaussian[] = []) {
    if (orders.length === 0 || orders.some((o) => !(o > 1))) fail('config', 'RDP orders must be a non-empty list of numbers > 1');
    for (const entry of history) this.record(entry);
  }

  /** Records `steps` more applications of a mechanism (one per DP round); consecutive equal settings merge. */
  record(mechanism: SampledGaussian): this {
    const m = validateSampledGaussian({ ...mechanism });
    if (m.steps === 0) return this;
    const last = this.entries.at(-1);
    if (last !== undefined && last.noiseMultiplier === m.noiseMultiplier && last.sampleRate === m.sampleRate) last.steps += m.steps;
    else this.entries.push(m);
    return this;
  }

  /** The mechanisms so far, oldest first (a copy). */
  get history(): SampledGaussian[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** Total RDP at each order. */
  rdp(): number[] {
    const total = this.orders.map(() => 0);
    for (const entry of this.entries) computeRdp(entry, this.orders).forEach((v, i) => (total[i]! += v));
    return total;
  }

  /** ε spent so far at `delta` (0 before any mechanism, as Opacus reports). */
  epsilon(delta: number): EpsilonAtDelta {
    if (this.entries.length === 0) return { epsilon: 0, order: Number.NaN };
    return epsilonFromRdp(this.orders, this.rdp(), delta);
  }

  /** ε after `more` further applications, without recording them. */
  epsilonIf(more: SampledGaussian, delta: number): EpsilonAtDelta {
    return new RdpAccountant(this.orders, [...this.entries, more]).epsilon(delta);
  }

  toJSON(): { orders: number[]; history: SampledGaussian[] } {
    return { orders: [...this.orders], history: this.history };
  }

  static fromJSON(json: { orders: readonly number[]; history: readonly SampledGaussian[] }): RdpAccountant {
    return new RdpAccountant(json.orders, json.history);
  }
}
