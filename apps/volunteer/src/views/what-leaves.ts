// What leaves this browser in the run's layout, item by item, and the measured token recovery at the run's cut:
// the consent screen's "What leaves this browser" list. Standard: activations, labels, adapter, statistics;
// u-shaped: activations and gradients only (plus the adapter and a held-out loss), the labels stay here; cybgd (the
// whole model in the tab): one trained block per round and the step losses.
import type { LayoutName, RunLeakage, TrainingMethod } from '@splitlora/protocol';
import type { TrainingSummary } from '../api/run-overview.js';
import { type Child, h, ICONS, icon } from './dom.js';
import { fedloraLeaves } from './fedlora-leaves.js';

export type FlowMark = 'up' | 'down' | 'keep';

export function flowItem(mark: FlowMark, title: string, text: Child[]): HTMLElement {
  const marks = { up: ['sent', ICONS.arrowUp], down: ['received', ICONS.arrowDown], keep: ['stays here', ICONS.lock] } as const;
  const [word, path] = marks[mark];
  return h('li', { class: `flow flow-${mark}` }, [
    h('span', { class: 'flow-mark' }, [icon(path), h('span', { class: 'visually-hidden' }, [`${word}: `])]),
    h('div', {}, [h('strong', {}, [title]), h('p', {}, text)]),
  ]);
}

/** The training screen's short lines under "Sent" and "Received": what the bytes counted there were, for this run's layout and method. */
export function trafficHints(training: TrainingSummary | null): { sent: string; received: string } {
  switch (training?.method ?? 'splitlora') {
    case 'splitlora':
    case 'sl':
      return training?.layout === 'u-shaped'
        ? { sent: 'activations, output gradients, adapters', received: 'outputs, gradients, model, messages' }
        : { sent: 'activations, labels, adapters', received: 'gradients, model, messages' };
    case 'cybgd': return { sent: 'trained blocks, step losses', received: 'model, updated blocks, messages' };
    case 'cybgd-split': return { sent: 'activations, labels, trained blocks', received: 'gradients, model, updated blocks' };
    case 'fedlora': return { sent: 'adapters, step losses', received: 'model, averaged adapters, messages' };
  }
}

/** What the tab sends after each round: a LoRA adapter (SplitLoRA; SL: handed on to the next volunteer) or one whole trained block (FedCyBGD). */
function updatesItem(method: TrainingMethod): HTMLElement {
  if (method === 'sl') {
    return flowItem('up', 'Your adapter, handed on', [
      'At the end of your turn, the small LoRA weights your tab trained. ', h('strong', {}, ['They are not averaged with anyone’s']),
      ': the next volunteer in line starts from them as they are, so the server and that volunteer both receive them.',
    ]);
  }
  if (method === 'splitlora') return flowItem('up', 'Adapter updates', ['After each round, the small LoRA weight changes your tab learned, to be averaged with everyone’s.']);
  return flowItem('up', 'A whole trained block', [
    'After each round, one complete transformer block of the model with all its weights as your tab trained them — ',
    h('strong', {}, ['far more than a LoRA adapter']), ' (thousands of times more numbers for GPT-2), and so more revealing of your text. ',
    method === 'cybgd' ? 'Your tab trains without sending activations; it reports each step’s loss.' : 'Each step still sends activations and labels, as below.',
  ]);
}

const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;

/** The measured figure for the run's cut, in one sentence (or what is known when it was not measured). */
export function leakageText(leakage: RunLeakage | undefined, cut: number | null): string {
  if (leakage === undefined) {
    return cut === null
      ? 'How much of your text can be rebuilt from the activations depends on the cut; the organiser’s run says which.'
      : `How much of your text an attacker can rebuild from the activations at cut ${cut} has not been measured for this model.`;
  }
  return `Measured for this cut: a curious server’s strongest attack (${leakage.attack}) rebuilt ${pct(leakage.exact)} of the tokens exactly `
    + `(${pct(leakage.top5)} within 5 guesses) from the activations at cut ${leakage.cut} alone (${leakage.model}, ${leakage.weights} weights, measured ${leakage.measuredOn}).`;
}

/** The items of "What leaves this browser" for a run of `layout` and `method` (no run yet: the standard layout, the most that leaves). */
export function whatLeaves(training: TrainingSummary | null): HTMLElement[] {
  if (training?.method === 'fedlora') return fedloraLeaves(training);
  const layout: LayoutName = training?.layout ?? 'standard';
  const leak = leakageText(training?.leakage, training?.cut ?? null);
  const activations = flowItem('up', 'Cut-layer activations', [
    'The numbers your tab’s last layer before the cut computes for each training window. They are derived from your text. ', h('strong', {}, [leak]),
  ]);
  const adapter = updatesItem(training?.method ?? 'splitlora');
  if (training?.method === 'cybgd') {
    return [
      h('li', { class: 'notice' }, [h('strong', {}, ['Whole-model run: no activations, labels or gradients per step. ']),
        'Your tab holds the whole model and computes the loss itself; what it sends is the block it trained, once per round.']),
      adapter,
      flowItem('down', 'The model and the blocks others trained', ['The whole model, downloaded once; then, each round, the blocks other volunteers updated since, as small differences against what your tab holds.']),
      flowItem('up', 'Step losses and statistics', ['The loss of each of your training steps, the number of tokens trained, speed, which compute backend you use, and the display name you choose (optional).']),
    ];
  }
  if (layout === 'u-shaped') {
    return [
      h('li', { class: 'notice' }, [h('strong', {}, ['U-shaped run: activations and gradients only. ']),
        'Your tab also keeps the model’s last layer norm and output head, so the next-token labels, the loss mask and the training loss are never sent.']),
      activations,
      flowItem('down', 'The server’s output activations', ['For each step, what the server’s middle layers make of your activations; your tab computes the loss from them.']),
      flowItem('up', 'Gradients of the server’s output', [
        'How the loss your tab computed changes with those outputs — the server needs them to train its layers. ',
        h('strong', {}, ['They depend on your labels']), ': the output head is frozen and known to the server, so a curious server can rebuild the labels — your text, shifted by one token — from them (measured by pnpm bench leak-attack). The labels are not sent; they are not secret either.',
      ]),
      flowItem('down', 'Activation gradients', ['The server’s answer to each step, which your tab uses to update its adapters — along with the model’s layers your tab runs, downloaded once.']),
      adapter,
      flowItem('up', 'Held-out loss and statistics', ['When the run has no evaluation file of its own: one loss per round on a held-out tenth of your text (never the per-step losses). Always: the number of tokens trained, speed, your compute backend and the display name you choose (optional).']),
    ];
  }
  return [
    activations,
    flowItem('up', 'Next-token labels (token ids)', [
      'In this standard mode the server computes the loss, so it receives the token ids of each training window. ',
      h('strong', {}, ['These ids are an encoding of your training text']), ': anyone with the GPT-2 tokenizer can turn them back into the words. ',
      'Only add text you are willing to share in that form.',
    ]),
    adapter,
    flowItem('down', 'Activation gradients', ['The server’s answer to each step, which your tab uses to update its adapters — along with the model’s first layers, downloaded once.']),
    flowItem('up', 'Training statistics', ['Loss, speed, which compute backend you use, and the display name you choose (optional).']),
  ];
}
