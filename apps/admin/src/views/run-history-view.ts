// The run history: earlier runs of the server's runs folder, each with its rounds (losses, volunteers) and buttons
// that download any saved round's client or server adapter, or the final whole-model adapter.
import type { MetricRecord } from '@splitlora/protocol';
import { historyRoundRows, type HistoryRow } from '../state/run-history-rows.js';
import { card, dataTable, h, setChildren } from './dom.js';
import type { AdapterSide } from './rounds-view.js';

export interface RunHistoryActions {
  download(runId: string, round: number, which: AdapterSide): Promise<string>;
  metrics(runId: string): Promise<MetricRecord[]>;
}

export interface RunHistoryView {
  element: HTMLElement;
  update(rows: readonly HistoryRow[]): void;
}

const SIDES: { which: AdapterSide; label: string }[] = [
  { which: 'client', label: 'Client' }, { which: 'server', label: 'Server' }, { which: 'combined', label: 'Combined' },
];

export function createRunHistoryView(actions: RunHistoryActions): RunHistoryView {
  const { element, body } = card('Earlier runs', {
    id: 'run-history', description: 'Runs kept in the server’s runs folder. Open one to see its rounds and download its adapters.',
  });
  const list = h('div', { class: 'history-list' });
  const empty = h('p', { class: 'table-empty' }, ['No earlier runs.']);
  const message = h('p', { class: 'action-message', role: 'status', 'aria-live': 'polite' });
  body.append(list, empty, message);
  let renderedKey = '';

  function setMessage(text: string, tone: 'info' | 'error' = 'info'): void {
    message.textContent = text;
    message.className = `action-message ${tone === 'error' ? 'is-error' : ''}`.trim();
  }

  function downloadButton(row: HistoryRow, round: number, side: (typeof SIDES)[number]): HTMLButtonElement {
    const button = h('button', {
      type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': `Download the ${side.label.toLowerCase()} adapter of ${row.name}, round ${round}`,
    }, [side.label]);
    button.addEventListener('click', () => {
      button.disabled = true;
      actions.download(row.runId, round, side.which)
        .then((saved) => setMessage(saved), (error: unknown) => setMessage(`Could not download: ${error instanceof Error ? error.message : String(error)}`, 'error'))
        .finally(() => { button.disabled = false; });
    });
    return button;
  }

  /** The rounds of one run, loaded when its entry is opened. */
  async function showRounds(row: HistoryRow, into: HTMLElement): Promise<void> {
    setChildren(into, [h('p', { class: 'muted' }, ['Loading the rounds…'])]);
    try {
      const rounds = historyRoundRows(await actions.metrics(row.runId));
      const { wrap, tbody } = dataTable(`Rounds of ${row.name}, newest first`, ['Round', 'Volunteers', 'Train loss', 'Eval loss', 'Adapters'], (i) => i >= 1 && i <= 3);
      setChildren(tbody, rounds.map((r) => h('tr', {}, [
        h('th', { scope: 'row', 'data-label': 'Round' }, [String(r.round)]), h('td', { 'data-label': 'Volunteers', class: 'num' }, [String(r.volunteers)]),
        h('td', { 'data-label': 'Train loss', class: 'num' }, [r.trainLoss]), h('td', { 'data-label': 'Eval loss', class: 'num' }, [r.evalLoss]),
        h('td', { 'data-label': 'Adapters' }, [h('div', { class: 'download-group' },
          SIDES.filter((s) => s.which !== 'combined' || r.round === row.rounds[0]).map((s) => downloadButton(row, r.round, s)))]),
      ])));
      setChildren(into, rounds.length > 0 ? [wrap] : [h('p', { class: 'muted' }, ['No round of this run finished.'])]);
    } catch (error) {
      setChildren(into, [h('p', { class: 'is-error' }, [`Could not load the rounds: ${error instanceof Error ? error.message : String(error)}`])]);
    }
  }

  return {
    element,
    update(rows) {
      const key = JSON.stringify(rows);
      if (key === renderedKey) return;
      renderedKey = key;
      empty.hidden = rows.length > 0;
      setChildren(list, rows.map((row) => {
        const rounds = h('div', { class: 'history-rounds' });
        const details = h('details', { class: 'history-run', 'data-run': row.runId }, [
          h('summary', {}, [h('strong', {}, [row.name]), h('span', { class: 'muted' }, [` · ${row.model} · ${row.progress} · started ${row.started}`])]),
          rounds,
        ]);
        details.addEventListener('toggle', () => {
          if (details.open) void showRounds(row, rounds);
        });
        return details;
      }));
    },
  };
}
