// What the rounds table shows of a round's E2E evaluation: nothing yet (an Evaluate button), its progress, its five
// metrics and perplexity (BLEU, METEOR and ROUGE-L × 100 as in the paper's tables), or why it failed.
import type { RoundEvaluation } from '@splitlora/protocol';

export type EvaluationCell =
  | { kind: 'none' }
  | { kind: 'running'; text: string; done: number; total: number }
  | { kind: 'done'; metrics: { label: string; value: string }[]; title: string }
  | { kind: 'failed'; text: string };

export function evaluationCell(evaluation: RoundEvaluation | undefined, nowMs: number): EvaluationCell {
  if (evaluation === undefined) return { kind: 'none' };
  if (evaluation.state === 'running') {
    const elapsed = (nowMs - evaluation.startedAt) / 1000;
    const left = evaluation.done > 0 ? (elapsed / evaluation.done) * (evaluation.samples - evaluation.done) : null;
    const eta = left === null ? '' : `, about ${Math.max(1, Math.round(left))} s left`;
    return { kind: 'running', text: `Evaluating ${evaluation.done}/${evaluation.samples} MRs${eta}…`, done: evaluation.done, total: evaluation.samples };
  }
  if (evaluation.state === 'failed' || evaluation.scores === null) return { kind: 'failed', text: `Evaluation failed: ${evaluation.error ?? 'no scores'}` };
  const s = evaluation.scores;
  const pct = (v: number) => (100 * v).toFixed(2);
  return {
    kind: 'done',
    metrics: [
      { label: 'BLEU', value: pct(s.bleu) }, { label: 'NIST', value: s.nist.toFixed(2) }, { label: 'METEOR', value: pct(s.meteor) },
      { label: 'ROUGE-L', value: pct(s.rougeL) }, { label: 'CIDEr', value: s.cider.toFixed(2) }, { label: 'PPL', value: s.perplexity.toFixed(2) },
    ],
    title: `${evaluation.samples} E2E test MRs, beam 10, length penalty 0.8, no-repeat 4-grams; ${evaluation.seconds?.toFixed(0) ?? '?'} s`,
  };
}
