// The tokenization of the E2E scorer's pymteval (a port of mteval-v13a's basic, language-independent rules):
// SGML entities decoded, ASCII punctuation split off, periods and commas split unless inside a number.

/** Tokens of one sentence; an empty sentence gives one empty token, as in the reference scorer. */
export function mtevalTokenize(sentence: string): string[] {
  let s = sentence
    .replace(/<skipped>/g, '')
    .replace(/-\n/g, '')
    .replace(/\n/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
  s = ` ${s} `;
  s = s.replace(/([{-~[-` -&(-+:-@/])/g, ' $1 '); // punctuation except ' - . ,
  s = s.replace(/([^0-9])([.,])/g, '$1 $2 '); // period/comma not preceded by a digit
  s = s.replace(/([.,])([^0-9])/g, ' $1 $2'); // period/comma not followed by a digit
  s = s.replace(/([0-9])(-)/g, '$1 $2 '); // dash after a digit
  s = s.replace(/\s+/g, ' ').trim();
  return s.split(' ');
}

/** The n-grams of a token list (lowercased, as the scorer is case-insensitive), each joined by U+0001. */
export function lowerNgrams(tokens: readonly string[], n: number): string[] {
  const lower = tokens.map((t) => t.toLowerCase());
  const out: string[] = [];
  for (let i = 0; i + n <= lower.length; i++) out.push(lower.slice(i, i + n).join('\u0001'));
  return out;
}

/** Counts of each n-gram; with several sentences, the maximum count over them (BLEU's clipping counts). */
export function maxNgramCounts(sentences: readonly (readonly string[])[], n: number): Map<string, number> {
  const merged = new Map<string, number>();
  for (const sentence of sentences) {
    const counts = new Map<string, number>();
    for (const gram of lowerNgrams(sentence, n)) counts.set(gram, (counts.get(gram) ?? 0) + 1);
    for (const [gram, count] of counts) merged.set(gram, Math.max(merged.get(gram) ?? 0, count));
  }
  return merged;
}

/** Each segment's output and references tokenized as mteval does (what BLEU and NIST both count n-grams over). */
export function tokenizeSegments(segments: readonly { hyp: string; refs: readonly string[] }[]): { h: string[]; rs: string[][] }[] {
  return segments.map(({ hyp, refs }) => ({ h: mtevalTokenize(hyp), rs: refs.map(mtevalTokenize) }));
}
