// The shared DOM helpers, plus the dashboard's card and its responsive tables.
import { type Child, h, uid } from '@splitlora/web-kit/dom';

export * from '@splitlora/web-kit/dom';

/** A card: a titled section with an optional short description and actions in its header. */
export function card(title: string, options: { id?: string; description?: string; actions?: Child[]; className?: string } = {}) {
  const headingId = uid('card-title');
  const header = h('div', { class: 'card-header' }, [
    h('div', {}, [
      h('h2', { id: headingId, class: 'card-title' }, [title]),
      options.description ? h('p', { class: 'card-description' }, [options.description]) : null,
    ]),
    options.actions ? h('div', { class: 'card-actions' }, options.actions) : null,
  ]);
  const body = h('div', { class: 'card-body' });
  const element = h('section', { class: `card ${options.className ?? ''}`.trim(), id: options.id, 'aria-labelledby': headingId }, [header, body]);
  return { element, header, body };
}

/**
 * A responsive table (rows become cards on phones) with a caption for screen readers and a header row; returns its
 * wrapper and the body the view fills. `numeric(i)` right-aligns column i.
 */
export function dataTable(caption: string, columns: readonly string[], numeric: (column: number) => boolean) {
  const tbody = h('tbody');
  const wrap = h('div', { class: 'table-wrap' }, [
    h('table', { class: 'table table-responsive' }, [
      h('caption', { class: 'visually-hidden' }, [caption]),
      h('thead', {}, [h('tr', {}, columns.map((c, i) => h('th', { scope: 'col', class: numeric(i) ? 'num' : '' }, [c])))]),
      tbody,
    ]),
  ]);
  return { wrap, tbody };
}
