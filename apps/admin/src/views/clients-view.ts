// The volunteers table: name/id, backend, tokens/s, tokens contributed, status and "last seen".
import type { ClientRow } from '../state/table-rows.js';
import { card, dataTable, h, setChildren } from './dom.js';

export interface ClientsView {
  element: HTMLElement;
  update(rows: readonly ClientRow[]): void;
}

const COLUMNS = ['Volunteer', 'Backend', 'Tokens/s', 'Tokens', 'Status', 'Last seen'] as const;

export function createClientsView(): ClientsView {
  const count = h('span', { class: 'count-pill' }, ['0']);
  const { element, body } = card('Volunteers', { id: 'volunteers', actions: [count] });
  const { wrap, tbody } = dataTable('Connected volunteers', COLUMNS, (i) => i >= 2 && i <= 3);
  const empty = h('p', { class: 'table-empty' }, ['No volunteers connected. Share the volunteer page to get helpers.']);
  body.append(wrap, empty);

  return {
    element,
    update(rows) {
      const online = rows.filter((r) => r.status !== 'disconnected').length;
      count.textContent = `${online} online`;
      empty.hidden = rows.length > 0;
      setChildren(tbody, rows.map((r) => h('tr', { class: r.status === 'disconnected' ? 'is-dim' : '' }, [
        h('td', { 'data-label': 'Volunteer' }, [h('span', { class: 'cell-main' }, [r.name]), h('span', { class: 'cell-sub mono' }, [r.id])]),
        h('td', { 'data-label': 'Backend' }, [h('span', { class: `pill pill-backend pill-${r.backend}` }, [r.backend])]),
        h('td', { 'data-label': 'Tokens/s', class: 'num' }, [r.tokensPerSecond]),
        h('td', { 'data-label': 'Tokens', class: 'num' }, [r.tokens]),
        h('td', { 'data-label': 'Status' }, [
          h('span', { class: `status status-${r.tone}` }, [r.status]),
          r.participating ? h('span', { class: 'pill pill-round' }, ['in round']) : null,
        ]),
        h('td', { 'data-label': 'Last seen' }, [r.lastSeen]),
      ])));
    },
  };
}
