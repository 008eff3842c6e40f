// METEOR 1.5's English normalizer (`-norm`, punctuation kept): splits punctuation and contractions the way its
// Normalizer.normalizeLine does, with Java regex semantics (\s and \p{Digit} are ASCII-only there).
import { ENGLISH_NONBREAKING_PREFIXES } from './resources.js';

const ALPHA = 'A-Za-z\u0160\u017D\u0161\u017E\u0178\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017E\u0400-\u04FF\u0500-\u0527\uA640-\uA66E\uA67E-\uA697\u1D00-\u1D7F';
const ALNUM = `0-9${ALPHA}`;
const SEP_OTHER = new RegExp(`([^${ALNUM} \\t\\n\\u000B\\f\\r.'\`,\\-\u2018\u2019])`, 'gu');
const MULTI_DOT = /\.(\.+)/g;
const MULTI_DOT2 = /DOTMULTI\.([^.])/gu;
const COMMA = /([^0-9]),([^0-9])/gu;
const COMMA2 = /([0-9]),([^0-9])/gu;
const COMMA3 = /([^0-9]),([0-9])/gu;
const QUOTE = /[`\u2018\u2019]/g;
const QUOTE2 = /([\u201C\u201D]|'')/g;
const RM_DASH = new RegExp(`([${ALNUM}.])-([${ALNUM}])`, 'gu');
const CONT1 = new RegExp(`([^${ALPHA}])'([^${ALPHA}])`, 'gu');
const CONT2 = new RegExp(`([^${ALPHA}0-9])'([${ALPHA}])`, 'gu');
const CONT3 = new RegExp(`([${ALPHA}])'([^${ALPHA}])`, 'gu');
const CONT4 = new RegExp(`([${ALPHA}])'([${ALPHA}])`, 'gu');
const CONT5 = /([0-9])'(s)/gu;
const HAS_ALPHA = new RegExp(`[${ALPHA}]`, 'u');
const WHITE = /[ \u2000-\u200A\u202F\u205F\u3000\u00A0]+/g;

/** Java's StringTokenizer with its default delimiters. */
export function javaTokens(line: string): string[] {
  return line.split(/[ \t\n\r\f]+/).filter((t) => t !== '');
}

/** Java's String.trim(): strips every char up to U+0020 at both ends. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

export function normalizeEnglish(line: string): string {
  let s = ` ${line} `;
  s = s.replace(SEP_OTHER, ' $1 ');
  s = s.replace(MULTI_DOT, ' DOTMULTI$1');
  while (s.includes('DOTMULTI.')) {
    s = s.replace(MULTI_DOT2, 'DOTDOTMULTI $1');
    s = s.split('DOTMULTI.').join('DOTDOTMULTI');
  }
  s = s.replace(COMMA, '$1 , $2').replace(COMMA2, '$1 , $2').replace(COMMA3, '$1 , $2');
  s = s.replace(QUOTE, "'").replace(QUOTE2, ' " ');
  s = s.split('\u2013').join('-').split('--').join('-');
  s = s.replace(RM_DASH, '$1 $2');
  s = s.replace(CONT1, "$1 ' $2").replace(CONT2, "$1 ' $2").replace(CONT3, "$1 ' $2").replace(CONT4, "$1 '$2").replace(CONT5, "$1 '$2");
  const words = javaTokens(s);
  let out = '';
  words.forEach((word, i) => {
    const next = words[i + 1];
    if (word.length > 1 && word.endsWith('.')) {
      const pre = word.slice(0, -1);
      const type = ENGLISH_NONBREAKING_PREFIXES.get(pre);
      if (pre.includes('.') && HAS_ALPHA.test(pre)) out += word.split('.').join('');
      else if (type === 'any' || (next !== undefined && /^[a-z]/.test(next))) out += word;
      else if (type === 'numeric' && next !== undefined && /^[0-9]+/.test(next)) out += word;
      else out += `${pre} .`;
    } else out += word;
    out += ' ';
  });
  while (out.includes('DOTDOTMULTI')) out = out.split('DOTDOTMULTI').join('DOTMULTI.');
  out = out.split('DOTMULTI').join('.');
  return javaTrim(out.replace(WHITE, ' '));
}
