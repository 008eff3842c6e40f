// A tiny element builder for the views: h('button', { class: 'btn', type: 'button' }, ['Start']).

export type Child = Node | string | number | null | undefined | false;
export type AttrValue = string | number | boolean | null | undefined;

/** Creates an element; `true` sets an empty attribute, `false`/null/undefined leave it out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Record<string, AttrValue> = {}, children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  el.append(...toNodes(children));
  return el;
}

export function toNodes(children: readonly Child[]): (Node | string)[] {
  return children.flatMap((c) => (c === null || c === undefined || c === false ? [] : [typeof c === 'number' ? String(c) : c]));
}

/** Replaces all children of `el`. */
export function setChildren(el: Element, children: readonly Child[]): void {
  el.replaceChildren(...toNodes(children));
}

let nextId = 0;

/** A page-unique id, for <label for> and aria-describedby. */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

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
