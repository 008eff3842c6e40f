// The server log card: the newest admin:log lines, warnings and errors marked.
import type { LogEntry } from '@splitlora/protocol';
import { card, h, setChildren } from './dom.js';

export interface LogView {
  element: HTMLElement;
  update(logs: readonly LogEntry[]): void;
}

function clock(time: number): string {
  return new Date(time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

export function createLogView(): LogView {
  const { element, body } = card('Server log', { id: 'log', description: 'Newest last.' });
  const list = h('ol', { class: 'log', tabindex: 0, 'aria-label': 'Server log lines' });
  const empty = h('p', { class: 'table-empty' }, ['Nothing logged yet.']);
  body.append(list, empty);
  let shown: readonly LogEntry[] | null = null;
  return {
    element,
    update(logs) {
      if (logs === shown) return;
      shown = logs;
      const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
      empty.hidden = logs.length > 0;
      list.hidden = logs.length === 0;
      setChildren(list, logs.map((l) => h('li', { class: `log-line log-${l.level}` }, [
        h('time', { datetime: new Date(l.time).toISOString() }, [clock(l.time)]),
        h('span', { class: 'log-level' }, [l.level]),
        h('span', { class: 'log-message' }, [l.message]),
      ])));
      if (atBottom) list.scrollTop = list.scrollHeight;
    },
  };
}
