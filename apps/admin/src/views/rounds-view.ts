// The rounds history: timing, participants, losses, and buttons to download each round's adapters.
import type { RoundRow } from '../state/table-rows.js';
import { card, dataTable, h, setChildren } from './dom.js';

export type AdapterSide = 'client' | 'server' | 'combined';

export interface RoundsView {
  element: HTMLElement;
  update(rows: readonly RoundRow[], canDownload: boolean): void;
  setMessage(message: string, tone?: 'info' | 'error'): void;
}

const SIDES: { which: AdapterSide; label: string; hint: string }[] = [
  { which: 'client', label: 'Client', hint: 'global client adapter (blocks before the cut)' },
  { which: 'server', label: 'Server', hint: 'server adapter (blocks from the cut on)' },
  { which: 'combined', label: 'Combined', hint: 'combined adapter (both halves as one PEFT adapter for the whole model)' },
];

const COLUMNS = ['Round', 'Time', 'Volunteers', 'Train loss', 'Eval loss', 'Perplexity', 'Adapters'] as const;

export function createRoundsView(onDownload: (round: number, which: AdapterSide) => Promise<void>): RoundsView {
  const { element, body } = card('Rounds', {
    id: 'rounds',
    description: 'Each download is a .zip of a PEFT adapter folder (adapter_model.safetensors + adapter_config.json).',
  });
  const { wrap, tbody } = dataTable('Finished rounds, newest first', COLUMNS, (i) => i >= 1 && i <= 5);
  const empty = h('p', { class: 'table-empty' }, ['No rounds finished yet.']);
  const message = h('p', { class: 'action-message', role: 'status', 'aria-live': 'polite' });
  body.append(wrap, empty, message);

  const pending = new Set<string>();
  let rows: readonly RoundRow[] = [];
  let canDownload = false;
  let renderedKey = '';

  function downloadButton(round: number, side: (typeof SIDES)[number]): HTMLButtonElement {
    const key = `${round}:${side.which}`;
    const busy = pending.has(key);
    const button = h('button', {
      type: 'button', class: 'btn btn-small btn-ghost', disabled: !canDownload || busy, 'aria-busy': busy ? 'true' : null,
      'aria-label': `Download the ${side.hint}, round ${round}`, title: `Download the ${side.hint}`,
    }, [busy ? 'Saving…' : side.label]);
    button.addEventListener('click', () => {
      pending.add(key);
      render(true);
      void onDownload(round, side.which).finally(() => {
        pending.delete(key);
        render(true);
      });
    });
    return button;
  }

  /** Rebuilds the rows only when something shown changed, so focus and hover survive the frequent state updates. */
  function render(force = false): void {
    const key = JSON.stringify([rows, canDownload]);
    if (!force && key === renderedKey) return;
    renderedKey = key;
    empty.hidden = rows.length > 0;
    setChildren(tbody, rows.map((r) => h('tr', {}, [
      h('th', { scope: 'row', 'data-label': 'Round' }, [r.label]),
      h('td', { 'data-label': 'Time', class: 'num' }, [r.seconds]),
      h('td', { 'data-label': 'Volunteers', class: 'num', title: [r.participantNames, `${r.tokens} tokens`].filter(Boolean).join(' · ') }, [r.participants]),
      h('td', { 'data-label': 'Train loss', class: 'num' }, [r.trainLoss]),
      h('td', { 'data-label': 'Eval loss', class: 'num' }, [r.evalLoss]),
      h('td', { 'data-label': 'Perplexity', class: 'num' }, [r.evalPerplexity]),
      h('td', { 'data-label': 'Adapters' }, [h('div', { class: 'download-group' }, SIDES.map((s) => downloadButton(r.round, s)))]),
    ])));
  }

  return {
    element,
    update(nextRows, nextCanDownload) {
      rows = nextRows;
      canDownload = nextCanDownload;
      render();
    },
    setMessage(text, tone = 'info') {
      message.textContent = text;
      message.className = `action-message ${tone === 'error' ? 'is-error' : ''}`.trim();
    },
  };
}
