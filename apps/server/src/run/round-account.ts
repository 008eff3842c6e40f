// The bookkeeping of one round: losses and tokens per client (FedAvg weights), the uploaded adapters, and the
// traffic counters at its start; it turns into the round's metric record when the round closes.
import type { NamedHostTensors, WeightedAdapter } from '@splitlora/core';
import type { RoundRecord } from '@splitlora/protocol';

export class RoundAccount {
  private lossSum = 0;
  tokens = 0;
  private readonly tokensByClient = new Map<string, number>();
  private readonly updates = new Map<string, NamedHostTensors>();

  constructor(
    readonly round: number,
    readonly startedAt: number,
    private readonly upAtStart: number,
    private readonly downAtStart: number,
  ) {}

  recordStep(clientId: string, loss: number, tokens: number): void {
    this.lossSum += loss * tokens;
    this.tokens += tokens;
    this.tokensByClient.set(clientId, this.tokensOf(clientId) + tokens);
  }

  /** Tokens the server counted for this client this round (the FedAvg weight; never the client's own claim). */
  tokensOf(clientId: string): number {
    return this.tokensByClient.get(clientId) ?? 0;
  }

  addUpdate(clientId: string, adapter: NamedHostTensors): void {
    this.updates.set(clientId, adapter);
  }

  /** The reporters' adapters weighted by their tokens, ready for FedAvg. */
  weightedUpdates(reporters: readonly string[]): WeightedAdapter<NamedHostTensors>[] {
    return reporters.map((id) => {
      const adapter = this.updates.get(id);
      if (adapter === undefined) throw new Error(`round ${this.round}: no update from reporter ${id}`);
      return { source: id, adapter, weight: this.tokensOf(id) };
    });
  }

  record(runId: string, reporters: string[], evalLoss: number | null, traffic: { up: number; down: number }, now: number): RoundRecord {
    const seconds = (now - this.startedAt) / 1000;
    return {
      kind: 'round', runId, round: this.round, trainLoss: this.tokens > 0 ? this.lossSum / this.tokens : null,
      evalLoss, evalPerplexity: evalLoss === null ? null : Math.exp(evalLoss), tokens: this.tokens,
      bytesUp: traffic.up - this.upAtStart, bytesDown: traffic.down - this.downAtStart, clients: reporters.length, participants: reporters,
      trainers: [...new Set([...reporters, ...this.tokensByClient.keys()])],
      seconds, tokensPerSecond: this.tokens / Math.max(seconds, 1e-3), endedAt: now,
    };
  }
}
