// One prompt's beam search state with Hugging Face generate()'s semantics (transformers 5.x `_beam_search`):
// top 2·beams continuations, the best `beams` that did not stop keep running, stopped ones among the top `beams`
// join the finished hypotheses scored sum(logprob) / generated_length ** length_penalty (end-of-text counted),
// and early_stopping=false's heuristic ends the search. Host-side only; the driver supplies log-probabilities.

export interface BeamSettings {
  numBeams: number;
  maxNewTokens: number;
  lengthPenalty: number;
  noRepeatNgramSize: number;
  eosTokenId: number;
  earlyStopping: boolean;
}

/** Each row's best k log-probabilities and their token ids, row-major. */
export interface RowTopK {
  values: Float32Array;
  indices: Int32Array;
  k: number;
}

export interface BeamResult {
  /** Generated ids after the prompt, without the end-of-text token. */
  tokens: number[];
  /** The length-normalised log-probability beam search ranked it by. */
  score: number;
}

const NEG = -1e9;

/** Tokens that would complete an n-gram already present in `seq` (HF's NoRepeatNGramLogitsProcessor). */
export function bannedTokens(seq: readonly number[], n: number): Set<number> {
  const banned = new Set<number>();
  if (n <= 0 || seq.length + 1 < n) return banned;
  const prefix = seq.slice(seq.length - n + 1).join(',');
  for (let i = 0; i + n <= seq.length; i++) if (seq.slice(i, i + n - 1).join(',') === prefix) banned.add(seq[i + n - 1]!);
  return banned;
}

interface Candidate {
  score: number;
  beam: number;
  token: number;
}

export class BeamState {
  running: number[][];
  private runningScores: number[];
  private finished: { seq: number[]; score: number }[] = [];
  private improvable = true;
  private step = 0;
  done = false;

  constructor(private readonly prompt: readonly number[], private readonly settings: BeamSettings) {
    this.running = Array.from({ length: settings.numBeams }, () => [...prompt]);
    this.runningScores = this.running.map((_, i) => (i === 0 ? 0 : NEG));
  }

  banned(): Set<number>[] {
    return this.running.map((seq) => bannedTokens(seq, this.settings.noRepeatNgramSize));
  }

  /** Advances one token using rows [firstRow, firstRow + numBeams) of `top`; returns each new beam's parent beam. */
  advance(top: RowTopK, firstRow: number, banned: readonly Set<number>[]): number[] {
    const { numBeams: K, lengthPenalty, eosTokenId, earlyStopping } = this.settings;
    const candidates = this.topCandidates(top, firstRow, banned, 2 * K);
    const genLen = this.step + 1;
    const hits = candidates.map((c) => c.token === eosTokenId || genLen >= this.settings.maxNewTokens);
    const next = candidates.map((c, i) => ({ c, score: c.score + (hits[i] ? NEG : 0) })).sort((a, b) => b.score - a.score).slice(0, K);
    const allFinished = this.allFinished();
    const fresh = candidates.map((c, i) => {
      let score = c.score / genLen ** lengthPenalty;
      if (earlyStopping && allFinished) score += NEG;
      if (!this.improvable) score += NEG;
      if (!(hits[i] && i < K)) score += NEG;
      return { seq: [...this.running[c.beam]!, c.token], score };
    });
    this.finished = [...this.finished, ...fresh].map((f, order) => ({ f, order }))
      .sort((a, b) => b.f.score - a.f.score || a.order - b.order).slice(0, K).map(({ f }) => f);
    this.running = next.map(({ c }) => [...this.running[c.beam]!, c.token]);
    this.runningScores = next.map(({ score }) => score);
    this.step++;
    // early_stopping=false: go on while the best running beam, at the current length, could beat the worst finished.
    const worst = this.allFinished() ? Math.min(...this.finished.map((f) => f.score)) : NEG;
    this.improvable = this.improvable && this.runningScores[0]! / this.step ** lengthPenalty > worst;
    this.done = !this.improvable || (earlyStopping && this.allFinished()) || hits.every(Boolean);
    return next.map(({ c }) => c.beam);
  }

  result(): BeamResult {
    const best = this.finished[0]!;
    const tokens = best.seq.slice(this.prompt.length);
    if (tokens[tokens.length - 1] === this.settings.eosTokenId) tokens.pop();
    return { tokens, score: best.score };
  }

  private allFinished(): boolean {
    return this.finished.length === this.settings.numBeams && this.finished.every((f) => f.score > NEG / 2);
  }

  /** The k best continuations over this prompt's beams; ties keep the lower (beam, token) first, like a flat top-k. */
  private topCandidates(top: RowTopK, firstRow: number, banned: readonly Set<number>[], k: number): Candidate[] {
    const all: Candidate[] = [];
    this.runningScores.forEach((running, beam) => {
      const row = firstRow + beam;
      for (let j = 0; j < top.k; j++) {
        const token = top.indices[row * top.k + j]!;
        if (!banned[beam]!.has(token)) all.push({ score: top.values[row * top.k + j]! + running, beam, token });
      }
    });
    return all.sort((a, b) => b.score - a.score || a.beam - b.beam || a.token - b.token).slice(0, k);
  }
}
