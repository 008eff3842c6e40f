// Each E2E metric within 1e-3 of the official scorer (tuetschek/e2e-metrics with pymteval and the COCO scorers,
// run by tools/fixtures/make_e2e_metric_fixtures.py) on fixture cases: edge cases, unicode, one and many
// references, 50 test-set MRs, the whole test set; plus its PTB tokenization and METEOR's Snowball stems word for word.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, readFixture } from '../test-support/fixtures.js';
import { corpusBleu } from './bleu.js';
import { corpusCider } from './cider.js';
import { scoreE2E } from './e2e-metrics.js';
import { corpusMeteorExactStem } from './meteor/meteor.js';
import { stemEnglish } from './meteor/snowball-english.js';
import { corpusNist } from './nist.js';
import { groupE2EReferences } from './e2e-references.js';
import { cocoTokenize } from './ptb-tokenize.js';
import { corpusRougeL } from './rouge-l.js';

interface FixtureCase {
  name: string;
  items: { refs: string[]; hyp: string }[];
  tokenized: { refs: string[][]; hyps: string[] };
  scores: { bleu: number; nist: number; meteor: number; meteorExactStem: number; rougeL: number; cider: number };
  segments: { meteorExactStem: number[]; rougeL: number[]; cider: number[] };
}

interface WholeTestSet {
  mrs: number;
  scores: { bleu: number; nist: number; meteorExactStem: number; rougeL: number; cider: number };
}

const fixture = readFixture<{ cases: FixtureCase[]; stems: Record<string, string>; wholeTestSet: WholeTestSet }>('e2e-metrics.json');
const TOLERANCE = 1e-3;

function report(what: string, got: number, want: number): number {
  const diff = Math.abs(got - want);
  console.log(`${what}: ours ${got.toFixed(6)} reference ${want.toFixed(6)} |diff| ${diff.toExponential(1)}`);
  return diff;
}

describe('E2E metrics against the official scorer', () => {
  it('covers the edge cases the issue asks for', () => {
    expect(fixture.cases.map((c) => c.name)).toEqual(expect.arrayContaining(['empty-hypothesis', 'unicode', 'single-reference', 'many-references', 'realistic-50']));
    expect(fixture.cases.find((c) => c.name === 'realistic-50')!.items).toHaveLength(50);
  });

  for (const c of fixture.cases) {
    describe(c.name, () => {
      const tokenized = c.items.map((_, i) => ({ hyp: c.tokenized.hyps[i]!, refs: c.tokenized.refs[i]! }));

      it('tokenizes like the COCO scorer (Stanford PTBTokenizer, punctuation removed)', () => {
        c.items.forEach((item, i) => {
          expect(cocoTokenize(item.hyp)).toBe(c.tokenized.hyps[i]);
          item.refs.forEach((ref, j) => expect(cocoTokenize(ref)).toBe(c.tokenized.refs[i]![j]));
        });
      });

      it('BLEU and NIST (pymteval)', () => {
        expect(report(`${c.name} BLEU`, corpusBleu(c.items), c.scores.bleu)).toBeLessThan(TOLERANCE);
        expect(report(`${c.name} NIST`, corpusNist(c.items), c.scores.nist)).toBeLessThan(TOLERANCE);
      });

      it('METEOR exact+stem (the jar with -m "exact stem"), per segment and corpus', () => {
        const ours = corpusMeteorExactStem(tokenized);
        expect(report(`${c.name} METEOR exact+stem`, ours.score, c.scores.meteorExactStem)).toBeLessThan(TOLERANCE);
        ours.segments.forEach((s, i) => expect(Math.abs(s - c.segments.meteorExactStem[i]!)).toBeLessThan(TOLERANCE));
        report(`${c.name} (gap to default METEOR with synonyms and paraphrases)`, ours.score, c.scores.meteor);
      });

      it('ROUGE-L and CIDEr-D (COCO scorers), per segment and corpus', () => {
        const rouge = corpusRougeL(tokenized);
        const cider = corpusCider(tokenized);
        expect(report(`${c.name} ROUGE-L`, rouge.score, c.scores.rougeL)).toBeLessThan(TOLERANCE);
        expect(report(`${c.name} CIDEr`, cider.score, c.scores.cider)).toBeLessThan(TOLERANCE);
        rouge.segments.forEach((s, i) => expect(Math.abs(s - c.segments.rougeL[i]!)).toBeLessThan(TOLERANCE));
        cider.segments.forEach((s, i) => expect(Math.abs(s - c.segments.cider[i]!)).toBeLessThan(TOLERANCE));
      });

      it('scoreE2E runs the whole pipeline from raw text', () => {
        const all = scoreE2E(c.items);
        expect(Math.abs(all.bleu - c.scores.bleu)).toBeLessThan(TOLERANCE);
        expect(Math.abs(all.nist - c.scores.nist)).toBeLessThan(TOLERANCE);
        expect(Math.abs(all.meteor - c.scores.meteorExactStem)).toBeLessThan(TOLERANCE);
        expect(Math.abs(all.rougeL - c.scores.rougeL)).toBeLessThan(TOLERANCE);
        expect(Math.abs(all.cider - c.scores.cider)).toBeLessThan(TOLERANCE);
      });
    });
  }

  it('agrees on the whole test set, a held-out human reference scored against the other references', () => {
    const items = groupE2EReferences(readFileSync(join(dataDir(), 'e2e', 'testset_w_refs.csv'), 'utf8')).filter((item) => item.refs.length > 1);
    expect(items).toHaveLength(fixture.wholeTestSet.mrs);
    const ours = scoreE2E(items.map((item) => ({ hyp: item.refs[0]!, refs: item.refs.slice(1) })));
    const want = fixture.wholeTestSet.scores;
    expect(report('whole test set BLEU', ours.bleu, want.bleu)).toBeLessThan(TOLERANCE);
    expect(report('whole test set NIST', ours.nist, want.nist)).toBeLessThan(TOLERANCE);
    expect(report('whole test set METEOR exact+stem', ours.meteor, want.meteorExactStem)).toBeLessThan(TOLERANCE);
    expect(report('whole test set ROUGE-L', ours.rougeL, want.rougeL)).toBeLessThan(TOLERANCE);
    expect(report('whole test set CIDEr', ours.cider, want.cider)).toBeLessThan(TOLERANCE);
  });

  it("stems like METEOR's Snowball English stemmer", () => {
    const words = Object.keys(fixture.stems);
    expect(words.length).toBeGreaterThan(200);
    const wrong = words.filter((w) => stemEnglish(w) !== fixture.stems[w]).map((w) => `${w}: ${stemEnglish(w)} ≠ ${fixture.stems[w]}`);
    expect(wrong).toEqual([]);
  });

  it('rejects a corpus without segments or a segment without references', () => {
    expect(() => scoreE2E([])).toThrow(/no segments/);
    expect(() => scoreE2E([{ hyp: 'a', refs: [] }])).toThrow(/segment 0 has no reference/);
  });
});
