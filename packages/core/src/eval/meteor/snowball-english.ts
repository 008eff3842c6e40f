// The Snowball English ("Porter2") stemmer, written from the published algorithm, as METEOR 1.5's stem module uses
// it (org.tartarus.snowball englishStemmer). Input is one lowercased word.

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);
const DOUBLES = ['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt'];
const LI_ENDINGS = new Set(['c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't']);
const EXCEPTIONS: Record<string, string> = {
  skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', idly: 'idl', gently: 'gentl', ugly: 'ugli',
  early: 'earli', only: 'onli', singly: 'singl', sky: 'sky', news: 'news', howe: 'howe', atlas: 'atlas', cosmos: 'cosmos',
  bias: 'bias', andes: 'andes',
};
const AFTER_STEP_1A = new Set(['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed']);
const STEP_2: [string, string][] = [
  ['ization', 'ize'], ['ational', 'ate'], ['fulness', 'ful'], ['ousness', 'ous'], ['iveness', 'ive'], ['tional', 'tion'],
  ['biliti', 'ble'], ['lessli', 'less'], ['entli', 'ent'], ['ation', 'ate'], ['alism', 'al'], ['aliti', 'al'], ['ousli', 'ous'],
  ['iviti', 'ive'], ['fulli', 'ful'], ['enci', 'ence'], ['anci', 'ance'], ['abli', 'able'], ['izer', 'ize'], ['ator', 'ate'],
  ['alli', 'al'], ['bli', 'ble'], ['ogi', 'og'], ['li', ''],
];
const STEP_3: [string, string][] = [
  ['ational', 'ate'], ['tional', 'tion'], ['alize', 'al'], ['icate', 'ic'], ['iciti', 'ic'], ['ative', ''], ['ical', 'ic'],
  ['ness', ''], ['ful', ''],
];
const STEP_4 = ['ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize', 'ion', 'al', 'er', 'ic'];

const isVowel = (c: string | undefined): boolean => c !== undefined && VOWELS.has(c);

/** Start of the region after the first non-vowel that follows a vowel, from `from`. */
function regionAfter(w: string, from: number): number {
  for (let i = from + 1; i < w.length; i++) if (!isVowel(w[i]) && isVowel(w[i - 1])) return i + 1;
  return w.length;
}

/** Whether w[0..end) ends in a short syllable. */
function endsShort(w: string, end: number): boolean {
  if (end === 2) return isVowel(w[0]) && !isVowel(w[1]);
  if (end < 3) return false;
  const [a, b, c] = [w[end - 3]!, w[end - 2]!, w[end - 1]!];
  return !isVowel(a) && isVowel(b) && !isVowel(c) && c !== 'w' && c !== 'x' && c !== 'Y';
}

/** The longest suffix of `w` among `suffixes`, or null. */
function longest(w: string, suffixes: readonly string[]): string | null {
  let best: string | null = null;
  for (const s of suffixes) if (w.endsWith(s) && (best === null || s.length > best.length)) best = s;
  return best;
}

export function stemEnglish(word: string): string {
  if (EXCEPTIONS[word] !== undefined) return EXCEPTIONS[word]!;
  if (word.length < 3) return word;
  let w = word.startsWith("'") ? word.slice(1) : word;
  if (w.startsWith('y')) w = `Y${w.slice(1)}`;
  for (let i = 1; i < w.length; i++) if (w[i] === 'y' && isVowel(w[i - 1])) w = `${w.slice(0, i)}Y${w.slice(i + 1)}`;
  let r1 = /^(gener|commun|arsen)/.exec(w)?.[0].length ?? regionAfter(w, 0);
  const r2 = (): number => regionAfter(w, r1);
  // Step 0: possessive apostrophes.
  const s0 = longest(w, ["'s'", "'s", "'"]);
  if (s0 !== null) w = w.slice(0, -s0.length);
  // Step 1a: plurals.
  const s1a = longest(w, ['sses', 'ied', 'ies', 'us', 'ss', 's']);
  if (s1a === 'sses') w = w.slice(0, -2);
  else if (s1a === 'ied' || s1a === 'ies') w = w.length > 4 ? w.slice(0, -2) : w.slice(0, -1);
  else if (s1a === 's') {
    const stem = w.slice(0, -1);
    if ([...stem.slice(0, -1)].some(isVowel)) w = stem;
  }
  if (AFTER_STEP_1A.has(w)) return w;
  // Step 1b.
  const s1b = longest(w, ['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed']);
  if (s1b === 'eed' || s1b === 'eedly') {
    if (w.length - s1b.length >= r1) w = `${w.slice(0, -s1b.length)}ee`;
  } else if (s1b !== null) {
    const stem = w.slice(0, -s1b.length);
    if ([...stem].some(isVowel)) {
      w = stem;
      if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
      else if (DOUBLES.some((d) => w.endsWith(d))) w = w.slice(0, -1);
      else if (r1 >= w.length && endsShort(w, w.length)) w += 'e';
    }
  }
  // Step 1c: y → i after a non-vowel that is not the first letter.
  if (w.length > 2 && (w.endsWith('y') || w.endsWith('Y')) && !isVowel(w[w.length - 2])) w = `${w.slice(0, -1)}i`;
  // Step 2.
  const s2 = longest(w, STEP_2.map(([s]) => s));
  if (s2 !== null && w.length - s2.length >= r1) {
    const stem = w.slice(0, -s2.length);
    if (s2 === 'ogi') {
      if (stem.endsWith('l')) w = `${stem}og`;
    } else if (s2 === 'li') {
      if (LI_ENDINGS.has(stem[stem.length - 1] ?? '')) w = stem;
    } else w = stem + STEP_2.find(([s]) => s === s2)![1];
  }
  // Step 3.
  const s3 = longest(w, STEP_3.map(([s]) => s));
  if (s3 !== null && w.length - s3.length >= r1) {
    const stem = w.slice(0, -s3.length);
    if (s3 === 'ative') {
      if (w.length - s3.length >= r2()) w = stem;
    } else w = stem + STEP_3.find(([s]) => s === s3)![1];
  }
  // Step 4.
  const s4 = longest(w, STEP_4);
  if (s4 !== null && w.length - s4.length >= r2()) {
    const stem = w.slice(0, -s4.length);
    if (s4 !== 'ion' || stem.endsWith('s') || stem.endsWith('t')) w = stem;
  }
  // Step 5.
  if (w.endsWith('e')) {
    const at = w.length - 1;
    if (at >= r2() || (at >= r1 && !endsShort(w, at))) w = w.slice(0, -1);
  } else if (w.endsWith('l') && w.length - 1 >= r2() && w[w.length - 2] === 'l') w = w.slice(0, -1);
  return w.replace(/Y/g, 'y');
}
