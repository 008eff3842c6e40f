// A method's learning curve (eval loss after each round against trained tokens and training seconds), the clock
// that excludes evaluation time, and the "first point at or below a target loss" lookup.
import type { TrafficFigures } from './traffic.js';

export interface CurvePoint {
  round: number;
  tokens: number;
  seconds: number;
  evalLoss: number;
}

export interface Curve {
  method: string;
  points: CurvePoint[];
  /** Trainable LoRA parameters a client holds (null: no clients, one learner). */
  clientTrainable: number | null;
  /** Frozen base parameters a client holds. */
  clientBase: number | null;
  /** Trainable LoRA parameters on the server. */
  serverTrainable: number | null;
  /** Bytes per client and round, where the method counts them (frames as a real run sends them). */
  traffic?: TrafficFigures;
  notes: string;
}

/** Training time only: started and stopped around each round's work, paused while evaluating. */
export class TrainingClock {
  private total = 0;
  private since: number | null = null;

  start(): void {
    this.since = performance.now();
  }

  stop(): void {
    if (this.since !== null) this.total += performance.now() - this.since;
    this.since = null;
  }

  get seconds(): number {
    return (this.total + (this.since === null ? 0 : performance.now() - this.since)) / 1000;
  }
}

/**
 * The round loop every method shares: `train(round)` does one round's work and returns its trained tokens, timed
 * on the training clock; `evaluate()` runs after each round, off the clock; one curve point per round.
 */
export async function trainRounds(curve: Curve, rounds: number, train: (round: number) => Promise<number>, evaluate: () => Promise<number>): Promise<void> {
  const clock = new TrainingClock();
  let tokens = 0;
  for (let round = 1; round <= rounds; round++) {
    clock.start();
    tokens += await train(round);
    clock.stop();
    curve.points.push({ round, tokens, seconds: clock.seconds, evalLoss: await evaluate() });
  }
}

export function firstAtOrBelow(curve: Curve, target: number): CurvePoint | null {
  return curve.points.find((p) => p.round > 0 && p.evalLoss <= target + 1e-9) ?? null;
}
