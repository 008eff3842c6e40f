// The rounds table's evaluation cell: button, progress with a time estimate, metrics, or the failure.
import { describe, expect, it } from 'vitest';
import type { RoundEvaluation } from '@splitlora/protocol';
import { evaluationCell } from './evaluation-cells.js';

const base: RoundEvaluation = { runId: 'r', round: 2, samples: 20, state: 'running', done: 0, startedAt: 1000, seconds: null, scores: null, error: null };

describe('evaluationCell', () => {
  it('offers the button when the round was never evaluated', () => {
    expect(evaluationCell(undefined, 0)).toEqual({ kind: 'none' });
  });

  it('shows progress, with an estimate once an MR is done', () => {
    expect(evaluationCell(base, 5000)).toEqual({ kind: 'running', text: 'Evaluating 0/20 MRs…', done: 0, total: 20 });
    expect(evaluationCell({ ...base, done: 5 }, 11_000)).toMatchObject({ text: 'Evaluating 5/20 MRs, about 30 s left…' });
  });

  it('shows the metrics as the paper’s tables do (BLEU, METEOR, ROUGE-L × 100)', () => {
    const cell = evaluationCell({
      ...base, state: 'done', done: 20, seconds: 42, scores: { bleu: 0.6879, nist: 8.72, meteor: 0.4605, rougeL: 0.7108, cider: 2.4321, perplexity: 3.456 },
    }, 0);
    expect(cell).toEqual({
      kind: 'done',
      metrics: [
        { label: 'BLEU', value: '68.79' }, { label: 'NIST', value: '8.72' }, { label: 'METEOR', value: '46.05' },
        { label: 'ROUGE-L', value: '71.08' }, { label: 'CIDEr', value: '2.43' }, { label: 'PPL', value: '3.46' },
      ],
      title: '20 E2E test MRs, beam 10, length penalty 0.8, no-repeat 4-grams; 42 s',
    });
  });

  it('says why an evaluation failed', () => {
    expect(evaluationCell({ ...base, state: 'failed', error: 'boom' }, 0)).toEqual({ kind: 'failed', text: 'Evaluation failed: boom' });
  });
});
