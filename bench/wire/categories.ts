// What each metered payload counts as in the wire breakdown: activations, labels, gradients, step envelopes
// (the JSON around the step's frames), adapters, model download, or control traffic — and the u-shaped layout's
// second exchange per step (the server's output activations down, their gradient up) and held-out evaluation.
import type { Direction } from './packet-meter.js';

export const CATEGORIES = [
  'activations', 'labels', 'gradients', 'server outputs', 'output gradients', 'step envelopes', 'held-out evaluation', 'adapters', 'model download', 'control',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Per-step categories: what the SplitLoRA reference encoding also sends every step. */
export const STEP_CATEGORIES: readonly Category[] = ['activations', 'labels', 'gradients', 'server outputs', 'output gradients', 'step envelopes'];

/**
 * @param event the socket.io event, or `<event>:ack` for the server's answer to it
 * @param field the binary placeholder's path inside the payload (e.g. "1.activations.data"), null for JSON text
 */
export function categorize(direction: Direction, event: string, field: string | null): Category {
  if (event === 'train:activations' && direction === 'up') {
    if (field === null) return 'step envelopes';
    return /activations/.test(field) ? 'activations' : 'labels';
  }
  if (event === 'train:activations:ack') return field === null ? 'step envelopes' : 'gradients';
  if (event.startsWith('ushaped:eval')) return 'held-out evaluation';
  if (event.startsWith('ushaped:') && field === null) return 'step envelopes';
  if (event === 'ushaped:forward') return 'activations';
  if (event === 'ushaped:forward:ack') return 'server outputs';
  if (event === 'ushaped:backward') return 'output gradients';
  if (event === 'ushaped:backward:ack') return 'gradients';
  if (event.startsWith('round:update') || event === 'round:start') return 'adapters';
  if (event.startsWith('asset:chunk') || event.startsWith('model:manifest')) return 'model download';
  return 'control';
}
