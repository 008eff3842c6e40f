// The form names the preset it holds and claims the paper's settings only for the paper preset.
import { describe, expect, it } from 'vitest';
import { defaultRunForm, presetRunForm } from './run-form-model.js';
import { presetChoices, presetNote } from './preset-note.js';

describe('preset note', () => {
  it('the default form is the short-run preset and does not claim the paper’s settings', () => {
    const note = presetNote(defaultRunForm());
    expect(note.value).toBe('short-run');
    expect(note.text).toMatch(/^Not the paper’s settings/);
    expect(presetChoices(note.value).map((c) => c.value)).toEqual(['short-run', 'paper']);
  });

  it('the paper preset says so, on any model', () => {
    const note = presetNote(presetRunForm('paper', { model: 'tiny' }));
    expect(note.value).toBe('paper');
    expect(note.text).toMatch(/^The SplitLoRA paper’s settings\. /);
  });

  it('a changed field makes the settings custom, and so does an invalid form', () => {
    const changed = presetNote({ ...presetRunForm('paper'), warmupSteps: '0' });
    expect(changed.value).toBe('custom');
    expect(changed.text).not.toMatch(/paper’s settings\./);
    expect(presetChoices(changed.value).at(-1)).toEqual({ value: 'custom', label: 'custom settings' });
    expect(presetNote({ ...defaultRunForm(), lr: 'abc' }).value).toBe('custom');
  });
});
