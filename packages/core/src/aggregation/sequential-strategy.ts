// Sequential split learning (vanilla SL, as the SplitLoRA paper's baseline): the participants train one after the
// other, each starting from the client adapter the previous one uploaded (handOn); the round's global adapter is the
// last turn's upload — no averaging. A participant whose turn never came to an upload hands nothing on.
import { fail } from '../errors.js';
import type { NamedHostTensors } from '../tensors/named-tensors.js';
import type { AggregationStrategy, FitConfiguration, FitResult, FitRound, MaskedSum, WeightedUpdate } from './aggregation-strategy.js';

export class SequentialStrategy implements AggregationStrategy {
  readonly name = 'sequential';
  /** The adapter the next turn starts from: the round's global one, then each accepted upload in turn. */
  private handed: NamedHostTensors | null = null;
  /** What each participant whose turn is over started from (its update is measured against it). */
  private readonly starts = new Map<string, NamedHostTensors>();
  private lastReporter: string | null = null;

  configureFit(round: FitRound): FitConfiguration {
    this.handed = round.global;
    this.starts.clear();
    this.lastReporter = null;
    return { startFor: (clientId) => this.starts.get(clientId) ?? this.handed! };
  }

  handOn(clientId: string, update: NamedHostTensors): void {
    if (this.handed === null) fail('adapter', `${clientId} handed on an adapter before any round was configured`);
    if (this.starts.has(clientId)) fail('adapter', `${clientId} already handed on its adapter this round`);
    this.starts.set(clientId, this.handed);
    this.handed = update;
    this.lastReporter = clientId;
  }

  aggregateFit(round: FitRound, updates: readonly WeightedUpdate[]): FitResult {
    if (updates.length === 0) return { global: round.global };
    const last = updates.find((u) => u.source === this.lastReporter);
    if (last === undefined || last.adapter !== this.handed) {
      fail('adapter', `sequential round ${round.round}: the last adapter handed on (${this.lastReporter ?? 'none'}) is not among the reporters ${updates.map((u) => u.source).join(', ')}`);
    }
    return { global: last.adapter };
  }

  aggregateSum(round: FitRound, _masked: MaskedSum): FitResult {
    return fail('adapter', `sequential round ${round.round}: secure aggregation does not apply (each turn hands one volunteer's adapter on)`);
  }
}
