// The rounds history: timing, participants, losses, buttons to download each round's adapters, and per round an
// Evaluate button (E2E test MRs decoded by the server in the background) that turns into progress, then the metrics.
import type { RoundEvaluation } from '@splitlora/protocol';
import { evaluationCell } from '../state/evaluation-cells.js';
import type { RoundRow } from '../state/table-rows.js';
import { card, dataTable, h, setChildren } from './dom.js';

export type AdapterSide = 'client' | 'server' | 'combined';

export interface RoundsView {
  element: HTMLElement;
  update(rows: readonly RoundRow[], canDownload: boolean, evaluations?: ReadonlyMap<number, RoundEvaluation>, nowMs?: number): void;
  setMessage(message: string, tone?: 'info' | 'error'): void;
}

const SIDES: { which: AdapterSide; label: string; hint: string }[] = [
  { which: 'client', label: 'Client', hint: 'global client adapter (blocks before the cut)' },
  { which: 'server', label: 'Server', hint: 'server adapter (blocks from the cut on)' },
  { which: 'combined', label: 'Combined', hint: 'combined adapter (both halves as one PEFT adapter for the whole model)' },
];

const COLUMNS = ['Round', 'Time', 'Volunteers', 'Train loss', 'Eval loss', 'Perplexity', 'Adapters', 'E2E test'] as const;

/** Test-set MRs one Evaluate decodes (of 630): about a minute on the embedded model. */
const EVALUATE_SAMPLES = 20;

export function createRoundsView(
  onDownload: (round: number, which: AdapterSide) => Promise<void>, onEvaluate: (round: number, samples: number) => Promise<void>,
): RoundsView {
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
  let evaluations: ReadonlyMap<number, RoundEvaluation> = new Map();
  let nowMs = 0;
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

  function evaluateButton(round: number, label: string): HTMLButtonElement {
    const key = `${round}:evaluate`;
    const busy = pending.has(key);
    const button = h('button', {
      type: 'button', class: 'btn btn-small btn-ghost', disabled: !canDownload || busy, 'aria-busy': busy ? 'true' : null,
      title: `Decode ${EVALUATE_SAMPLES} E2E test MRs with round ${round}'s adapters (beam search) and score them`,
    }, [busy ? 'Starting…' : label]);
    button.addEventListener('click', () => {
      pending.add(key);
      render(true);
      void onEvaluate(round, EVALUATE_SAMPLES).finally(() => {
        pending.delete(key);
        render(true);
      });
    });
    return button;
  }

  function evaluationContent(round: number): (HTMLElement | string)[] {
    const cell = evaluationCell(evaluations.get(round), nowMs);
    if (cell.kind === 'none') return [evaluateButton(round, 'Evaluate')];
    if (cell.kind === 'running') return [h('progress', { max: cell.total, value: cell.done, 'aria-label': cell.text }), h('span', { class: 'eval-status' }, [cell.text])];
    if (cell.kind === 'failed') return [h('span', { class: 'eval-status is-error' }, [cell.text]), ' ', evaluateButton(round, 'Retry')];
    return [h('span', { class: 'eval-metrics', title: cell.title }, cell.metrics.map((m) => h('span', { class: 'eval-metric' }, [`${m.label} ${m.value}`])))];
  }

  /** Rebuilds the rows only when something shown changed, so focus and hover survive the frequent state updates. */
  function render(force = false): void {
    const running = [...evaluations.values()].some((e) => e.state === 'running');
    const key = JSON.stringify([rows, canDownload, [...evaluations.values()], running ? Math.floor(nowMs / 1000) : 0]);
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
      h('td', { 'data-label': 'E2E test' }, evaluationContent(r.round)),
    ])));
  }

  return {
    element,
    update(nextRows, nextCanDownload, nextEvaluations = new Map(), nextNow = Date.now()) {
      rows = nextRows;
      canDownload = nextCanDownload;
      evaluations = nextEvaluations;
      nowMs = nextNow;
      render();
    },
    setMessage(text, tone = 'info') {
      message.textContent = text;
      message.className = `action-message ${tone === 'error' ? 'is-error' : ''}`.trim();
    },
  };
}
