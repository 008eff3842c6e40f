// Labelled form controls with help text and an error line wired for screen readers (label for, aria-describedby).
import { h, setChildren, uid, type AttrValue } from './dom.js';

export interface FieldHandle {
  element: HTMLElement;
  setError(message: string | undefined): void;
  setHelp(text: string): void;
}

interface FieldShell extends FieldHandle { id: string; describedBy: string }

function fieldShell(label: string, help: string, control: (id: string, describedBy: string) => HTMLElement[], wide = false): FieldShell {
  const id = uid('field');
  const helpEl = h('p', { id: `${id}-help`, class: 'field-help' }, [help]);
  const errorEl = h('p', { id: `${id}-error`, class: 'field-error' });
  const describedBy = `${id}-help ${id}-error`;
  const element = h('div', { class: `field${wide ? ' field-wide' : ''}` }, [h('label', { for: id }, [label]), ...control(id, describedBy), helpEl, errorEl]);
  return {
    id, describedBy, element,
    setError(message) {
      errorEl.textContent = message ?? '';
      element.classList.toggle('has-error', Boolean(message));
      element.querySelector('input, select, textarea')?.setAttribute('aria-invalid', message ? 'true' : 'false');
    },
    setHelp(text) {
      helpEl.textContent = text;
    },
  };
}

export interface InputField extends FieldHandle { input: HTMLInputElement }

export function inputField(label: string, help: string, attrs: Record<string, AttrValue>, wide = false): InputField {
  let input!: HTMLInputElement;
  const shell = fieldShell(label, help, (id, describedBy) => {
    input = h('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': describedBy, ...attrs });
    return [input];
  }, wide);
  return { ...shell, input };
}

export interface SelectField extends FieldHandle {
  select: HTMLSelectElement;
  setOptions(options: readonly { value: string; label: string }[], selected: string): void;
}

export function selectField(label: string, help: string, wide = false): SelectField {
  let select!: HTMLSelectElement;
  const shell = fieldShell(label, help, (id, describedBy) => {
    select = h('select', { id, 'aria-describedby': describedBy });
    return [select];
  }, wide);
  let lastOptions = '';
  return {
    ...shell,
    select,
    setOptions(options, selected) {
      const key = JSON.stringify(options);
      if (key !== lastOptions) {
        lastOptions = key;
        setChildren(select, options.map((o) => h('option', { value: o.value }, [o.label])));
      }
      select.value = selected;
    },
  };
}

export interface ChoiceField extends FieldHandle {
  inputs: HTMLInputElement[];
}

/** A fieldset of radio buttons (one value) or checkboxes (several), each option with an optional hint. */
export function choiceField(
  kind: 'radio' | 'checkbox', legend: string, help: string,
  options: readonly { value: string; label: string; hint?: string }[], inline = false,
): ChoiceField {
  const id = uid('choice');
  const helpEl = h('p', { id: `${id}-help`, class: 'field-help' }, [help]);
  const errorEl = h('p', { id: `${id}-error`, class: 'field-error' });
  const inputs = options.map((o, i) => h('input', { id: `${id}-${i}`, type: kind, name: id, value: o.value }));
  const element = h('fieldset', { class: `field choice${inline ? ' choice-inline' : ''}`, 'aria-describedby': `${id}-help ${id}-error` }, [
    h('legend', {}, [legend]),
    h('div', { class: 'choice-options' }, options.map((o, i) => h('label', { class: 'choice-option', for: `${id}-${i}` }, [
      inputs[i],
      h('span', { class: 'choice-text' }, [h('span', { class: 'choice-label' }, [o.label]), o.hint ? h('span', { class: 'choice-hint' }, [o.hint]) : null]),
    ]))),
    helpEl,
    errorEl,
  ]);
  return {
    element,
    inputs,
    setError(message) {
      errorEl.textContent = message ?? '';
      element.classList.toggle('has-error', Boolean(message));
    },
    setHelp(text) {
      helpEl.textContent = text;
    },
  };
}
