// The "try it" box builds a valid generate request, and reports bad settings on their field.
import { describe, expect, it } from 'vitest';
import { defaultGenerateForm, splitGenerated, validateGenerateForm } from './generate-form.js';

describe('generate form', () => {
  it('sends greedy decoding with the protocol defaults', () => {
    const result = validateGenerateForm({ ...defaultGenerateForm(), prompt: 'Hello' });
    expect(result).toEqual({
      ok: true,
      request: { prompt: 'Hello', maxNewTokens: 40, greedy: true, temperature: 0.8, topK: 40, seed: 0, asContext: true },
    });
  });

  it('checks sampling settings only when sampling', () => {
    const form = { ...defaultGenerateForm(), temperature: '9' };
    expect(validateGenerateForm(form).ok).toBe(true);
    const sampled = validateGenerateForm({ ...form, greedy: false });
    expect(sampled.ok ? {} : sampled.errors).toEqual({ temperature: 'must be at most 5, found 9' });
  });

  it('refuses an empty prompt and too many tokens', () => {
    const result = validateGenerateForm({ ...defaultGenerateForm(), prompt: '', maxNewTokens: '1000' });
    expect(result.ok ? {} : result.errors).toEqual({ prompt: 'must not be empty', maxNewTokens: 'must be at most 256, found 1000' });
  });
});

describe('splitGenerated', () => {
  it('separates the prompt from the new text', () => {
    expect(splitGenerated('name[A] || A is a pub.', ' A is a pub.')).toEqual({ prefix: 'name[A] ||', completion: ' A is a pub.' });
    expect(splitGenerated('odd', 'other')).toEqual({ prefix: '', completion: 'odd' });
  });
});
