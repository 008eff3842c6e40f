// The run form's "invite only" box: off by default, ticked it becomes config.inviteOnly, and a config fills it back.
import { describe, expect, it } from 'vitest';
import { defaultRunForm, formFromConfig } from './run-form-model.js';
import { validateRunForm } from './run-form-validation.js';

describe('invite-only field of the run form', () => {
  it('is off by default and maps onto config.inviteOnly both ways', () => {
    const open = validateRunForm(defaultRunForm());
    expect(open.ok && open.config.inviteOnly).toBe(false);
    const invited = validateRunForm({ ...defaultRunForm(), inviteOnly: true });
    expect(invited.ok && invited.config.inviteOnly).toBe(true);
    if (invited.ok) expect(formFromConfig(invited.config).inviteOnly).toBe(true);
  });
});
