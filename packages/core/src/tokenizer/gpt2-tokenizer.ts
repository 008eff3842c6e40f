// The GPT-2 byte-level BPE tokenizer built from Hugging Face's vocab.json + merges.txt, run by js-tiktoken.
// GPT-2's token ids are its BPE ranks (ids 256.. are the merges in order), so tiktoken's rank-driven BPE
// gives exactly Hugging Face's tokens; the constructor checks that property on the files it is given.
import { Tiktoken } from 'js-tiktoken/lite';
import { fail } from '../errors.js';

/**
 * GPT-2's pre-tokenization pattern (contractions, letters, numbers, other, whitespace). Whitespace is Unicode's
 * White_Space property, as in Hugging Face's pre-tokenizer: JavaScript's \\s would also take U+FEFF and miss U+0085.
 */
const WS = '\\p{White_Space}';
const GPT2_PATTERN = `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`;
export const END_OF_TEXT = '<|endoftext|>';

/** GPT-2's map from bytes to printable unicode characters (the alphabet of vocab.json). */
function byteToUnicode(): Map<string, number> {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const chars = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const code = printable.includes(b) ? b : 256 + extra++;
    chars.set(String.fromCharCode(code), b);
  }
  return chars;
}

function toBase64(bytes: number[]): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i]!, bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]!;
    out += b === undefined ? '=' : alphabet[(n >> 6) & 63]!;
    out += c === undefined ? '=' : alphabet[n & 63]!;
  }
  return out;
}

export class Gpt2Tokenizer {
  private readonly bpe: Tiktoken;
  /** The bytes of each token id (the end-of-text token: its text). */
  private readonly bytesById: Uint8Array[];
  /** Keeps a leading U+FEFF (a default TextDecoder would strip it as a byte-order mark). */
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  readonly vocabSize: number;
  readonly eosTokenId: number;

  private constructor(bpe: Tiktoken, bytesById: Uint8Array[], vocabSize: number, eosTokenId: number) {
    this.bpe = bpe;
    this.bytesById = bytesById;
    this.vocabSize = vocabSize;
    this.eosTokenId = eosTokenId;
  }

  /** Builds the tokenizer from the text of vocab.json and merges.txt. */
  static fromFiles(vocabJson: string, mergesTxt: string): Gpt2Tokenizer {
    let vocab: Record<string, number>;
    try {
      vocab = JSON.parse(vocabJson) as Record<string, number>;
    } catch (error) {
      fail('format', `vocab.json is not valid JSON: ${(error as Error).message}`);
    }
    const alphabet = byteToUnicode();
    const byId: string[] = [];
    for (const [token, id] of Object.entries(vocab)) byId[id] = token;
    const eos = vocab[END_OF_TEXT];
    if (eos === undefined) fail('format', `vocab.json has no ${END_OF_TEXT} token`);
    const merges = mergesTxt.split('\n').filter((line) => line.length > 0 && !line.startsWith('#version'));
    // GPT-2 property that makes rank-BPE equal merge-BPE: token 256 + i is the concatenation of merge i.
    merges.forEach((line, i) => {
      const [left, right] = line.split(' ');
      if (byId[256 + i] !== `${left}${right}`) {
        fail('format', `merges.txt line ${i + 1} ("${line}") does not produce vocab id ${256 + i}; not a GPT-2 vocabulary`);
      }
    });
    const bytesById: Uint8Array[] = [];
    const lines: string[] = [];
    let run: string[] = [];
    let runStart = 0;
    for (let id = 0; id < byId.length; id++) {
      const token = byId[id];
      if (token === undefined || id === eos) {
        if (run.length > 0) lines.push(`! ${runStart} ${run.join(' ')}`);
        run = [];
        runStart = id + 1;
        continue;
      }
      const bytes = [...token].map((ch) => {
        const b = alphabet.get(ch);
        if (b === undefined) fail('format', `vocab.json token ${JSON.stringify(token)} (id ${id}) is not byte-level BPE`);
        return b;
      });
      bytesById[id] = Uint8Array.from(bytes);
      run.push(toBase64(bytes));
    }
    if (run.length > 0) lines.push(`! ${runStart} ${run.join(' ')}`);
    const bpe = new Tiktoken({ pat_str: GPT2_PATTERN, special_tokens: { [END_OF_TEXT]: eos }, bpe_ranks: lines.join('\n') });
    bytesById[eos] = new TextEncoder().encode(END_OF_TEXT);
    return new Gpt2Tokenizer(bpe, bytesById, Object.keys(vocab).length, eos);
  }

  /** Token ids of `text`; `<|endoftext|>` in the text becomes the special token, as in Hugging Face. */
  encode(text: string): number[] {
    return this.bpe.encode(text, 'all');
  }

  /** Text of token ids (invalid UTF-8 sequences become U+FFFD, as in Hugging Face). */
  decode(ids: readonly number[]): string {
    const parts = ids.map((id) => {
      const bytes = this.bytesById[id];
      if (bytes === undefined) fail('format', `token id ${id} is not in the vocabulary`);
      return bytes;
    });
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    return this.utf8.decode(joined);
  }
}
