// The MS-COCO caption scorer's text preparation (its PTBTokenizer wrapper around Stanford CoreNLP 3.4.1 with
// -lowerCase -preserveLines, then dropping punctuation tokens), re-implemented for the text E2E systems write:
// PTB-3 escapes (quotes, brackets, currency, dashes, ellipsis), clitics split off, final punctuation split.

/** Tokens the COCO scorer removes after tokenizing. */
const PUNCTUATION = new Set(["''", "'", '``', '`', '-LRB-', '-RRB-', '-LCB-', '-RCB-', '.', '?', '!', ',', ':', '-', '--', '...', ';']);

/** Characters PTB-3 rewrites as a token of their own. */
const SYMBOLS: Record<string, string> = {
  '(': '-LRB-', ')': '-RRB-', '[': '-LSB-', ']': '-RSB-', '{': '-LCB-', '}': '-RCB-',
  '\u201C': '``', '\u201D': "''", '\u201E': '``', '\u00AB': '``', '\u00BB': "''",
  '\u2013': '--', '\u2014': '--', '\u2015': '--', '\u2026': '...',
  '\u00A3': '#', '\u20AC': '$', '\u00A5': '$', '$': '$', '\u00A2': 'cents', '#': '#',
};
/** Punctuation that is always a token of its own. */
const ALWAYS_SPLIT = new Set([',', ';', '!', '?', '"', '\u3002', '\uFF0C', '\uFF01', '\uFF1F', '*', '=', '<', '>', '|', '~', '^', '+', '%', '@']);
const CLITICS = ["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"];
/** Abbreviations PTB keeps together with their period (a selection of CoreNLP's list that occurs in descriptions). */
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'st', 'jr', 'sr', 'prof', 'etc', 'vs', 'inc', 'ltd', 'co', 'corp', 'jan', 'feb',
  'mar', 'apr', 'aug', 'sept', 'sep', 'oct', 'nov', 'dec', 'ave', 'rd', 'mt', 'ft', 'approx', 'e.g', 'i.e', 'a.m', 'p.m', 'u.s', 'u.k']);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}\p{M}]/u.test(c);

const isAbbreviation = (word: string): boolean => ABBREVIATIONS.has(word) || /^([a-z]\.)*[a-z]$/.test(word);

/** The token that closes `s` and how many characters it takes; a single period only when nothing was split yet. */
function closingToken(s: string, nothingSplit: boolean): [string, number] | null {
  const dots = /\.{2,}$/.exec(s);
  if (dots !== null) return ['...', dots[0].length];
  if (s.length < 2) return null;
  const last = s[s.length - 1]!;
  if (last === '.') return nothingSplit && !isAbbreviation(s.slice(0, -1).toLowerCase()) ? ['.', 1] : null;
  if (last === '"') return ["''", 1];
  if (last === "'") return ["'", 1];
  if (SYMBOLS[last] !== undefined) return [SYMBOLS[last]!, 1];
  if (ALWAYS_SPLIT.has(last) || last === ':' || last === '-') return [last, 1];
  return null;
}

/** The one-character token that opens `s`, as PTB writes it. */
function openingToken(s: string): string | null {
  if (s.length < 2) return null;
  const first = s[0]!;
  if (first === '"') return '``';
  if (first === '.' && !isDigit(s[1])) return '.';
  if (first === '`' || (first === "'" && !CLITICS.includes(s.toLowerCase()))) return '`';
  if (SYMBOLS[first] !== undefined) return SYMBOLS[first]!;
  if (ALWAYS_SPLIT.has(first) || (first === '-' && !isDigit(s[1]))) return first;
  return null;
}

/** Splits one whitespace-free chunk into PTB tokens. */
function tokenizeChunk(chunk: string): string[] {
  const head: string[] = [];
  const tail: string[] = [];
  let s = chunk.replace(/\u2019/g, "'").replace(/\u2018/g, '`');
  for (let t = closingToken(s, true); t !== null; t = closingToken(s, false)) {
    tail.unshift(t[0]);
    s = s.slice(0, -t[1]);
  }
  for (let t = openingToken(s); t !== null; t = openingToken(s)) {
    head.push(t);
    s = s.slice(1);
  }
  // A clitic at the end of a word.
  const lower = s.toLowerCase();
  const clitic = CLITICS.find((c) => lower.endsWith(c) && lower.length > c.length && isWordChar(lower[lower.length - c.length - 1]));
  if (clitic !== undefined) {
    tail.unshift(s.slice(s.length - clitic.length));
    s = s.slice(0, s.length - clitic.length);
  }
  return [...head, ...(s === '' ? [] : splitInside(s)), ...tail];
}

/** Splits the middle of a chunk at punctuation PTB never keeps inside a word. */
function splitInside(s: string): string[] {
  const out: string[] = [];
  let word = '';
  const flush = (): void => {
    if (word !== '') out.push(word);
    word = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const symbol = SYMBOLS[c];
    if (c === ',' && !(isDigit(s[i - 1]) && isDigit(s[i + 1]))) { flush(); out.push(','); continue; }
    if (c === '.' && s[i + 1] === '.') {
      const run = /^\.+/.exec(s.slice(i))![0];
      flush(); out.push('...'); i += run.length - 1; continue;
    }
    if (symbol !== undefined || ALWAYS_SPLIT.has(c)) { flush(); out.push(symbol ?? c); continue; }
    if (c === '-' && SYMBOLS[s[i + 1] ?? ''] !== undefined) { flush(); out.push('-'); continue; }
    word += c;
  }
  flush();
  return out;
}

/** PTB tokens of one line (before -lowerCase, which also lowercases the bracket escapes: `-lrb-` then survives). */
export function ptbTokens(line: string): string[] {
  return line.split(/[\s\u00A0]+/u).filter((c) => c !== '').flatMap(tokenizeChunk);
}

/** What the COCO scorer compares: lowercased PTB tokens without punctuation tokens, joined by spaces. */
export function cocoTokenize(line: string): string {
  return ptbTokens(line).map((t) => t.toLowerCase()).filter((t) => !PUNCTUATION.has(t)).join(' ');
}
