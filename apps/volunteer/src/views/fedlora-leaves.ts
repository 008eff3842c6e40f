// What leaves this browser in a federated-LoRA run (method fedlora): the tab holds the whole model and trains it here,
// so only its LoRA adapter of every block (with its size) and step statistics are sent — no activations, no token ids.
import type { TrainingSummary } from '../api/run-overview.js';
import { formatBytes, formatCompact } from '../format/format.js';
import { h } from './dom.js';
import { flowItem } from './what-leaves.js';

/** Bytes of one adapter upload: fp32 numbers (updates are averaged at full precision); null when the server does not say. */
export function fedloraUploadBytes(t: TrainingSummary): number | null {
  return t.clientTrainable === null ? null : t.clientTrainable * 4;
}

export function fedloraLeaves(t: TrainingSummary): HTMLElement[] {
  const bytes = fedloraUploadBytes(t);
  const size = t.clientTrainable === null ? '' : ` — ${formatCompact(t.clientTrainable)} numbers, ${formatBytes(bytes!)} per round`;
  return [
    h('li', { class: 'notice' }, [h('strong', {}, ['Federated LoRA: your tab trains the whole model. ']),
      'The server never runs a step for you: it only averages the volunteers’ adapters after each round.']),
    flowItem('up', 'Your LoRA adapter of every block', [
      `After each round, the small LoRA weights your tab learned on every block of the model${size}, to be averaged with everyone’s. `,
      'They are derived from your text, as any trained weights are.',
    ]),
    flowItem('up', 'Training statistics', ['Each step’s loss and number of tokens trained, speed, your compute backend and the display name you choose (optional).']),
    flowItem('down', 'The model and the global adapter', ['The whole model once (kept in this browser), then the averaged adapter at the start of each round.']),
    flowItem('keep', 'Your token ids and activations', ['No training window, token id, label or activation is ever sent: the loss is computed in this tab.']),
  ];
}
