// A labelled number on the training screen (loss, speed, traffic…), with a small hint line under it.
import { h, setText } from './dom.js';

export interface StatTile {
  element: HTMLElement;
  set(value: string, hint?: string): void;
  setHint(hint: string): void;
}

export function statTile(id: string, label: string, initialHint = ''): StatTile {
  const value = h('dd', { class: 'stat-value', id: `stat-${id}` }, ['—']);
  const hint = h('dd', { class: 'stat-hint', id: `stat-${id}-hint` }, [initialHint]);
  const element = h('div', { class: 'stat' }, [h('dt', { class: 'stat-label' }, [label]), value, hint]);
  return {
    element,
    set(v, hintText) {
      setText(value, v);
      if (hintText !== undefined) setText(hint, hintText);
    },
    setHint(hintText) {
      setText(hint, hintText);
    },
  };
}
