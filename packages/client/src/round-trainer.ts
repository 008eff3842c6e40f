// What the round loops need from a volunteer's trainer, whatever the method: a split trainer (LoRA or one block of
// the split) exchanges activations and gradients with the server each step; a local trainer (FedCyBGD with the whole
// model) trains its steps inside the tab. Both start a round from the server's message and upload one update.
import type { RoundStart, TensorFrame } from '@splitlora/protocol';
import type { PendingStep } from './pending-step.js';

interface RoundTrainerBase {
  /** Starts a round from the server's message (the global adapter, or the block task and its downloads). */
  startRound(msg: RoundStart): void;
  /** The round's update: the adapter (fp32), or the trained block. */
  updateFrames(): Promise<TensorFrame[]>;
  /** Block-training methods: the block versions the tab holds once the round's update is sent. */
  blockVersions(): number[] | undefined;
  dispose(): void;
}

export interface SplitRoundTrainer extends RoundTrainerBase {
  readonly kind: 'split';
  forward(roundSeed: number, step: number): Promise<PendingStep>;
  backward(pending: PendingStep, gradient: TensorFrame, globalStep: number): Promise<void>;
}

export interface LocalRoundTrainer extends RoundTrainerBase {
  readonly kind: 'local';
  /** One training step inside the tab: its loss and counted tokens. */
  localStep(roundSeed: number, step: number, globalStep: number): Promise<{ loss: number; tokens: number }>;
}

export type RoundTrainer = SplitRoundTrainer | LocalRoundTrainer;
