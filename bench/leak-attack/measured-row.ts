// One measurement of the leak-attack benchmark: an attack on one cut, adapter state, wire format and noise level.
import type { Rates } from './recovery.js';

export interface MeasuredRow extends Rates {
  cut: number;
  adapter: 'initial' | 'trained';
  /** The volunteer's learning rate for a trained adapter; null for the initial one. */
  lr: number | null;
  wire: 'float16' | 'float32';
  noise: number;
  attack: string;
  seconds: number;
}
