// A tiny element builder for the pages' views: h('button', { class: 'btn', type: 'button' }, ['Start']), and friends.

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

/** Sets text only when it changed, so screen readers do not re-announce live regions needlessly. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

let nextId = 0;

/** A page-unique id, for <label for>, aria-labelledby and aria-describedby. */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** A small inline SVG icon from a path (24×24 viewBox, stroked), hidden from screen readers. */
export function icon(path: string, className = 'icon'): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  p.setAttribute('d', path);
  svg.append(p);
  return svg;
}
