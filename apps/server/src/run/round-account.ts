// The bookkeeping of one round: losses and tokens per client (FedAvg weights), the uploaded adapters, and the
// traffic counters at its start; it turns into the round's metric record when the round closes.
import type { NamedHostTensors, WeightedAdapter } from '@splitlora/core';
import type { HeldOutReport, RoundRecord } from '@splitlora/protocol';

export class RoundAccount {
  private lossSum = 0;
  private lossTokens = 0;
  tokens = 0;
  /** U-shaped: the tokens each client says it counted (the server sees positions, not the mask) and its held-out loss. */
  private readonly claimedTokens = new Map<string, number>();
  private readonly heldOut = new Map<string, HeldOutReport>();
  private readonly tokensByClient = new Map<string, number>();
  private readonly updates = new Map<string, NamedHostTensors>();

  constructor(
    readonly round: number,
    readonly startedAt: number,
    private readonly upAtStart: number,
    private readonly downAtStart: number,
  ) {}

  /** A trained step; `loss` is null in the u-shaped layout (the server never sees one) and `tokens` are then positions. */
  recordStep(clientId: string, loss: number | null, tokens: number): void {
    if (loss !== null) {
      this.lossSum += loss * tokens;
      this.lossTokens += tokens;
    }
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

  /** U-shaped: the client's own token count (bounded by the positions the server saw) and its held-out evaluation. */
  addClientReport(clientId: string, claimedTokens: number, heldOut: HeldOutReport | undefined): void {
    this.claimedTokens.set(clientId, claimedTokens);
    if (heldOut !== undefined) this.heldOut.set(clientId, heldOut);
  }

  /** FedAvg weight: the server's count, or a u-shaped client's claim when smaller (it cannot exceed the positions sent). */
  weightOf(clientId: string): number {
    const claimed = this.claimedTokens.get(clientId);
    return claimed === undefined ? this.tokensOf(clientId) : Math.min(claimed, this.tokensOf(clientId));
  }

  /** Token-weighted mean of the reporters' held-out losses (u-shaped evaluation in the tabs); null without any. */
  heldOutLoss(reporters: readonly string[]): number | null {
    let sum = 0;
    let tokens = 0;
    for (const id of reporters) {
      const report = this.heldOut.get(id);
      if (report === undefined) continue;
      sum += report.meanLoss * report.tokens;
      tokens += report.tokens;
    }
    return tokens > 0 ? sum / tokens : null;
  }

  /** The reporters' adapters weighted by their tokens, ready for FedAvg. */
  weightedUpdates(reporters: readonly string[]): WeightedAdapter<NamedHostTensors>[] {
    return reporters.map((id) => {
      const adapter = this.updates.get(id);
      if (adapter === undefined) throw new Error(`round ${this.round}: no update from reporter ${id}`);
      return { source: id, adapter, weight: this.weightOf(id) };
    });
  }

  record(runId: string, reporters: string[], evalLoss: number | null, traffic: { up: number; down: number }, now: number): RoundRecord {
    const seconds = (now - this.startedAt) / 1000;
    // U-shaped: the server counted positions; the trained tokens are the reporters' own counts, bounded by them.
    const tokens = this.claimedTokens.size > 0 ? reporters.reduce((sum, id) => sum + this.weightOf(id), 0) : this.tokens;
    return {
      kind: 'round', runId, round: this.round, trainLoss: this.lossTokens > 0 ? this.lossSum / this.lossTokens : null,
      evalLoss, evalPerplexity: evalLoss === null ? null : Math.exp(evalLoss), tokens,
      bytesUp: traffic.up - this.upAtStart, bytesDown: traffic.down - this.downAtStart, clients: reporters.length, participants: reporters,
      trainers: [...new Set([...reporters, ...this.tokensByClient.keys()])],
      seconds, tokensPerSecond: tokens / Math.max(seconds, 1e-3), endedAt: now,
    };
  }
}
