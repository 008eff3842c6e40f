// The shared DOM helpers, plus the dashboard's card.
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
