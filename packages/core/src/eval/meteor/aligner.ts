// METEOR 1.5's aligner for the exact and stem modules: all candidate word matches, the unambiguous ones fixed,
// then its left-to-right beam search (beam 40) for the alignment with most matches, fewest chunks, least distortion.
// Java quirks are kept on purpose (int arithmetic on weighted counts, the distance added to the parent path).

export interface Match {
  /** Position in the reference (line 2). */
  start: number;
  /** Position in the hypothesis (line 1). */
  matchStart: number;
  /** Index of the module that found it (0 exact, 1 stem). */
  module: number;
}

export interface Alignment {
  /** Matches by reference position (null where unmatched). */
  matches: (Match | null)[];
  chunks: number;
}

interface Path {
  matches: (Match | null)[];
  matches1: number;
  matches2: number;
  chunks: number;
  idx: number;
  lastMatchEnd: number;
  distance: number;
  used1: boolean[];
  used2: boolean[];
}

const BEAM_SIZE = 40;
/** The aligner's own module weights (MeteorScorer sets exact 1.0, every other module 0.5). */
const ALIGNER_WEIGHTS = [1.0, 0.5];

/** Java's String.hashCode, which the aligner compares instead of the strings. */
export function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

function copyPath(p: Path): Path {
  return { ...p, matches: [...p.matches], used1: [...p.used1], used2: [...p.used2] };
}

/** Java's comparator PARTIAL_COMPARE_TOTAL: more matches first, then fewer chunks, then less distance. */
function comparePaths(x: Path, y: Path): number {
  const matchDiff = y.matches1 + y.matches2 - (x.matches1 + x.matches2);
  if (matchDiff !== 0) return matchDiff > 0 ? 1 : -1;
  if (x.chunks !== y.chunks) return x.chunks - y.chunks;
  return x.distance - y.distance;
}

/** Adds one match's weighted size to a path the way Java's `int += double` does (truncating). */
function take(p: Path, m: Match): void {
  const w = ALIGNER_WEIGHTS[m.module]!;
  p.matches1 = Math.trunc(p.matches1 + w);
  p.matches2 = Math.trunc(p.matches2 + w);
  if (p.lastMatchEnd !== -1 && m.matchStart !== p.lastMatchEnd) p.chunks++;
  p.idx = m.start + 1;
  p.lastMatchEnd = m.matchStart + 1;
}

export function align(hyp: readonly string[], ref: readonly string[], stem: ((w: string) => string) | null): Alignment {
  const h1 = hyp.map(javaHash);
  const h2 = ref.map(javaHash);
  const candidates: Match[][] = ref.map(() => []);
  const coverage1 = new Array<number>(hyp.length).fill(0);
  const coverage2 = new Array<number>(ref.length).fill(0);
  const add = (module: number, j: number, i: number): void => {
    candidates[j]!.push({ start: j, matchStart: i, module });
    coverage1[i]!++;
    coverage2[j]!++;
  };
  for (let j = 0; j < ref.length; j++) for (let i = 0; i < hyp.length; i++) if (h1[i] === h2[j]) add(0, j, i);
  const identical = hyp.length === ref.length && h1.every((h, i) => h === h2[i]);
  if (stem !== null && !identical) {
    const s1 = hyp.map((w) => javaHash(stem(w)));
    const s2 = ref.map((w) => javaHash(stem(w)));
    for (let j = 0; j < ref.length; j++) for (let i = 0; i < hyp.length; i++) if (s1[i] === s2[j] && h1[i] !== h2[j]) add(1, j, i);
  }
  const start: Path = {
    matches: ref.map(() => null), matches1: 0, matches2: 0, chunks: 0, idx: 0, lastMatchEnd: -1, distance: 0,
    used1: hyp.map(() => false), used2: ref.map(() => false),
  };
  // One-to-one matches with no competitor are fixed before the search.
  candidates.forEach((list, j) => {
    if (list.length !== 1) return;
    const m = list[0]!;
    if (coverage2[j] === 1 && coverage1[m.matchStart] === 1) {
      start.matches[j] = m;
      start.used2[j] = true;
      start.used1[m.matchStart] = true;
    }
  });
  const best = resolve(candidates, start);
  return { matches: best.matches, chunks: countChunks(best.matches) };
}

function resolve(candidates: Match[][], start: Path): Path {
  let next: Path[] = [start];
  for (let current = 0; current <= candidates.length; current++) {
    const paths = next.sort(comparePaths);
    next = [];
    for (let rank = 0; rank < BEAM_SIZE && rank < paths.length; rank++) {
      const path = paths[rank]!;
      if (current === candidates.length) {
        if (path.lastMatchEnd !== -1) path.chunks++;
        next.push(path);
        continue;
      }
      if (path.used2[current]) {
        if (current < path.idx) next.push(path);
        else if (path.matches[path.idx] !== null) {
          const m = path.matches[path.idx]!;
          take(path, m);
          path.distance += Math.abs(m.start - m.matchStart);
          next.push(path);
        }
        continue;
      }
      for (const m of candidates[current]!) {
        if (path.used2[m.start] || path.used1[m.matchStart]) continue;
        const branch = copyPath(path);
        branch.used2[m.start] = true;
        branch.used1[m.matchStart] = true;
        branch.matches[current] = m;
        take(branch, m);
        path.distance += Math.abs(m.start - m.matchStart); // sic: the parent path, as in METEOR 1.5
        next.push(branch);
      }
      if (path.lastMatchEnd !== -1) {
        path.chunks++;
        path.lastMatchEnd = -1;
      }
      path.idx++;
      next.push(path);
    }
    if (next.length === 0) next.push(paths[0]!);
  }
  return next.sort(comparePaths)[0]!;
}

/** Chunks: maximal runs of matches adjacent in both sentences, walking the reference. */
function countChunks(matches: readonly (Match | null)[]): number {
  let chunks = 0;
  let lastMatchEnd = -1;
  for (const m of matches) {
    if (m === null) {
      if (lastMatchEnd !== -1) {
        chunks++;
        lastMatchEnd = -1;
      }
      continue;
    }
    if (lastMatchEnd !== -1 && m.matchStart !== lastMatchEnd) chunks++;
    lastMatchEnd = m.matchStart + 1;
  }
  return lastMatchEnd !== -1 ? chunks + 1 : chunks;
}
