// What an honest-but-curious server holds after a volunteer's step, and what an attack makes of it. The attacks
// read a ServerView; the ground truth stays with the benchmark and is only used to score them.
//
// Extension point for the u-shaped layout (issue 15 item 1, not built yet): there the server also receives the
// gradient of the loss w.r.t. the output activations it returned, while targets stay in the tab. When that
// volunteer path exists, capture the gradient frame in volunteer.ts into a new field of ServerView
// (`outputGradients`, decoded from the wire like `activations`), and add a LabelAttack (same shape as TokenAttack,
// scored against `Truth.targets` instead of `Truth.inputIds`) in its own file, registered next to the token
// attacks in attacks.ts. Nothing here fakes that view today: standard-layout runs send the targets in the clear.

/** A tensor as the server decodes it from the wire (fp16 frames already widened back to float32). */
export interface ObservedTensor {
  shape: [number, number, number];
  values: Float32Array;
}

export interface ServerView {
  layout: 'standard';
  cut: number;
  /** The cut activations (B, T, E), after the wire's encoding (fp16 or fp32) and any noise the volunteer added. */
  activations: ObservedTensor;
  /**
   * Per row, how many leading positions hold the volunteer's tokens (the rest is padding). The server learns
   * this anyway (the loss mask and padded lengths travel with every step), so the attacks may use it.
   */
  lengths: number[];
}

/** What the volunteer really sent: the scoring's ground truth, never shown to an attack. */
export interface Truth {
  /** Input token ids (B, T) row-major; positions past a row's length are padding. */
  inputIds: Int32Array;
  /** Next-token targets (B, T): what a label-recovery attack in the u-shaped layout would be scored against. */
  targets: Int32Array;
  lengths: number[];
  seqLen: number;
}

/** An attack's answer: for each position it attacked (flat index b·T + t), up to k token ids, best first. */
export interface Guesses {
  positions: Int32Array;
  k: number;
  /** (positions.length, k) row-major. */
  topK: Int32Array;
  /** The candidate sets the attack searched, when it searched fewer than the whole vocabulary: (positions, k). */
  searched?: { k: number; ids: Int32Array };
}

export interface TokenAttack {
  /** Short name used in tables and JSON. */
  name: string;
  /** Guesses the volunteer's input tokens from the view. */
  attack(view: ServerView): Promise<Guesses>;
}
