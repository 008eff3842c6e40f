// Bytes each client of the single-process comparison would send and receive, counted from the tensor frames that
// travel in a real run (binary payload only, no socket.io framing or JSON fields): per round (the adapter or the
// block task, the update) and per step (activations and labels up, the gradient down).

/** A frame's payload (its `data`); null frames (nothing sent) count 0. */
export function frameBytes(...frames: readonly ({ data: { byteLength: number } } | null | undefined)[]): number {
  return frames.reduce((sum, f) => sum + (f?.data.byteLength ?? 0), 0);
}

export interface TrafficFigures {
  /** Mean bytes per client and round. */
  upPerRound: number;
  downPerRound: number;
  /** The round's update up, and the adapter or blocks down at its start. */
  updateUpPerRound: number;
  modelDownPerRound: number;
  /** Per-step traffic (activations and labels up, gradients down). */
  stepUpPerRound: number;
  stepDownPerRound: number;
}

/** What a split step sends up: the activation frame and the label frames. */
interface StepFrames {
  activations: { data: { byteLength: number } };
  targets: { data: { byteLength: number } };
  lossMask: { data: { byteLength: number } };
}

export class Traffic {
  private up = 0;
  private down = 0;
  private stepUp = 0;
  private stepDown = 0;

  constructor(private readonly clients: number) {}

  roundUp(bytes: number): void {
    this.up += bytes;
  }

  roundDown(bytes: number): void {
    this.down += bytes;
  }

  /** One split step of one client: its frames up, `gradientBytes` (the gradient frame's payload) down. */
  step(pending: StepFrames, gradientBytes: number): void {
    this.stepUp += frameBytes(pending.activations, pending.targets, pending.lossMask);
    this.stepDown += gradientBytes;
  }

  figures(rounds: number): TrafficFigures {
    const per = (bytes: number) => Math.round(bytes / (this.clients * rounds));
    return {
      upPerRound: per(this.up + this.stepUp), downPerRound: per(this.down + this.stepDown),
      updateUpPerRound: per(this.up), modelDownPerRound: per(this.down), stepUpPerRound: per(this.stepUp), stepDownPerRound: per(this.stepDown),
    };
  }
}
