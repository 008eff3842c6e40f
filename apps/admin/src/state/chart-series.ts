// Metric records → chart series: per-client training loss and its mean against step, and per-round eval, speed and traffic.
import type { ClientInfo, RoundRecord, StepRecord } from '@splitlora/protocol';

export interface Point { x: number; y: number }

export interface ClientLossSeries { clientId: string; label: string; points: Point[] }

export interface LossSeries {
  clients: ClientLossSeries[];
  /** Mean over the clients that reported each step. */
  mean: Point[];
}

export interface RoundSeries {
  trainLoss: Point[];
  evalLoss: Point[];
  evalPerplexity: Point[];
  /** Training rounds only (round ≥ 1); round 0 is the evaluation before training. */
  labels: string[];
  tokensPerSecond: number[];
  bytesUp: number[];
  bytesDown: number[];
}

/**
 * The run-wide step of a client's local step: rounds follow each other on one axis.
 * Works whether the server counts local steps from 0 or 1, as long as it does so consistently.
 */
export function globalStep(round: number, step: number, localSteps: number): number {
  return (Math.max(round, 1) - 1) * localSteps + step;
}

/** A readable label for each client id: its name when it has one, else the id. */
export function clientLabels(clients: readonly ClientInfo[]): Map<string, string> {
  return new Map(clients.map((c) => [c.id, c.name.trim() || c.id]));
}

export function lossSeries(steps: readonly StepRecord[], localSteps: number, labels: ReadonlyMap<string, string>): LossSeries {
  const byClient = new Map<string, Point[]>();
  const byStep = new Map<number, { sum: number; count: number }>();
  for (const s of steps) {
    if (s.loss === null || !Number.isFinite(s.loss)) continue;
    const x = globalStep(s.round, s.step, localSteps);
    const points = byClient.get(s.clientId) ?? [];
    points.push({ x, y: s.loss });
    byClient.set(s.clientId, points);
    const acc = byStep.get(x) ?? { sum: 0, count: 0 };
    acc.sum += s.loss;
    acc.count += 1;
    byStep.set(x, acc);
  }
  const clients = [...byClient].map(([clientId, points]) => ({
    clientId,
    label: labels.get(clientId) ?? clientId,
    points: points.sort((a, b) => a.x - b.x),
  }));
  const mean = [...byStep].map(([x, { sum, count }]) => ({ x, y: sum / count })).sort((a, b) => a.x - b.x);
  return { clients, mean };
}

export function roundSeries(rounds: readonly RoundRecord[]): RoundSeries {
  const pointsOf = (value: (r: RoundRecord) => number | null): Point[] =>
    rounds.flatMap((r) => {
      const y = value(r);
      return y !== null && Number.isFinite(y) ? [{ x: r.round, y }] : [];
    });
  const training = rounds.filter((r) => r.round >= 1);
  return {
    trainLoss: pointsOf((r) => r.trainLoss),
    evalLoss: pointsOf((r) => r.evalLoss),
    evalPerplexity: pointsOf((r) => r.evalPerplexity ?? (r.evalLoss === null ? null : Math.exp(r.evalLoss))),
    labels: training.map((r) => String(r.round)),
    tokensPerSecond: training.map((r) => r.tokensPerSecond),
    bytesUp: training.map((r) => r.bytesUp),
    bytesDown: training.map((r) => r.bytesDown),
  };
}
