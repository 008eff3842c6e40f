// One chosen file in the list: name, size, what the worker found (examples and tokens, or why it is refused),
// the first lines as a preview, and a remove button.
import type { FileEntry } from '../files/file-list.js';
import { formatBytes, formatInteger, plural } from '../format/format.js';
import { h, ICONS, icon } from './dom.js';

const FORMAT_NAMES: Record<string, string> = { text: 'Plain text', jsonl: 'JSONL', csv: 'CSV (mr, ref)' };

export function fileCard(entry: FileEntry, onRemove: (id: string) => void): HTMLLIElement {
  const remove = h('button', { class: 'btn-icon', type: 'button', 'aria-label': `Remove ${entry.name}`, title: 'Remove' }, [icon(ICONS.close)]);
  remove.addEventListener('click', () => onRemove(entry.id));
  const meta: (string | HTMLElement)[] = [formatBytes(entry.bytes)];
  let status: HTMLElement;
  if (entry.state === 'reading') {
    status = h('p', { class: 'file-status' }, [h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Reading and counting tokens…']);
  } else if (entry.state === 'error') {
    status = h('p', { class: 'file-status file-error', role: 'alert' }, [icon(ICONS.alert), h('span', {}, [entry.error, '. This file will not be used.'])]);
  } else {
    meta.push(FORMAT_NAMES[entry.format] ?? entry.format);
    status = h('p', { class: 'file-status file-ok' }, [
      icon(ICONS.check), h('span', {}, [
        h('strong', { class: 'file-examples' }, [plural(entry.examples, 'training example')]), ' · ',
        h('strong', { class: 'file-tokens' }, [`${formatInteger(entry.tokens)} tokens`]), ' to learn',
      ]),
    ]);
  }
  const preview = entry.state !== 'reading' && entry.preview.length > 0
    ? h('div', { class: 'file-preview', role: 'group', 'aria-label': `First lines of ${entry.name}` }, entry.preview.map((line) => h('code', { class: 'preview-line' }, [line])))
    : null;
  return h('li', { class: `file-card file-${entry.state}`, 'data-file': entry.name, 'data-state': entry.state }, [
    h('div', { class: 'file-head' }, [
      icon(ICONS.file, 'icon file-icon'),
      h('div', { class: 'file-title' }, [
        h('p', { class: 'file-name' }, [entry.name]),
        h('p', { class: 'file-meta' }, [meta.join(' · '), h('span', { class: 'badge-local' }, [icon(ICONS.lock), 'read locally'])]),
      ]),
      remove,
    ]),
    status,
    preview,
  ]);
}
