// Training examples from text, JSONL and E2E CSV: token ids plus which tokens count towards the loss.
import { fail } from '../errors.js';
import type { Gpt2Tokenizer } from '../tokenizer/gpt2-tokenizer.js';
import { parseCsv } from './csv.js';

export interface Example {
  tokens: number[];
  /** 1 where the token is a prediction target (the loss counts it), else 0; same length as tokens. */
  lossMask: number[];
  /** The source record's fields, for non-IID sharding (e.g. the E2E meaning representation). */
  context?: string;
}

export interface DatasetOptions {
  /** Positions per training window (the model's sequence length). */
  maxSeqLen: number;
}

/** Separator between a context and its completion (the LoRA repository's E2E format uses "||"). */
export const CONTEXT_SEPARATOR = ' ||';

/** The prompt a model trained on context/completion data continues. */
export function completionPrompt(context: string): string {
  return `${context}${CONTEXT_SEPARATOR}`;
}

/** context → completion: loss only on the completion and the closing end-of-text token. */
export function contextCompletionExample(
  tokenizer: Gpt2Tokenizer, context: string, completion: string, options: DatasetOptions,
): Example | null {
  const contextIds = tokenizer.encode(completionPrompt(context));
  const completionIds = [...tokenizer.encode(` ${completion.trim()}`), tokenizer.eosTokenId];
  const tokens = [...contextIds, ...completionIds].slice(0, options.maxSeqLen + 1);
  const lossMask = tokens.map((_, i) => (i >= contextIds.length ? 1 : 0));
  if (!lossMask.some((m) => m === 1)) return null; // the context alone fills the window
  return { tokens, lossMask, context };
}

/** Plain text: one token stream cut into windows of maxSeqLen + 1 tokens (each token is predicted once). */
export function packedTextExamples(tokenStream: readonly number[], options: DatasetOptions): Example[] {
  const window = options.maxSeqLen + 1;
  const out: Example[] = [];
  for (let start = 0; start + 1 < tokenStream.length; start += options.maxSeqLen) {
    const tokens = tokenStream.slice(start, start + window);
    if (tokens.length < 2) break;
    out.push({ tokens, lossMask: tokens.map((_, i) => (i === 0 ? 0 : 1)) });
  }
  return out;
}

export function textExamples(tokenizer: Gpt2Tokenizer, text: string, options: DatasetOptions): Example[] {
  return packedTextExamples(tokenizer.encode(text), options);
}

/** JSONL with {"text"} records (packed, documents joined by end-of-text) or {"context","completion"} records. */
export function jsonlExamples(tokenizer: Gpt2Tokenizer, text: string, options: DatasetOptions, fileName = 'JSONL'): Example[] {
  const stream: number[] = [];
  const pairs: Example[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      fail('format', `${fileName} line ${i + 1}: not valid JSON`);
    }
    const r = record as Record<string, unknown>;
    if (typeof r === 'object' && r !== null && typeof r['text'] === 'string') {
      stream.push(...tokenizer.encode(r['text']), tokenizer.eosTokenId);
    } else if (typeof r === 'object' && r !== null && typeof r['context'] === 'string' && typeof r['completion'] === 'string') {
      const example = contextCompletionExample(tokenizer, r['context'], r['completion'], options);
      if (example !== null) pairs.push(example);
    } else {
      fail('format', `${fileName} line ${i + 1}: expected {"text": string} or {"context": string, "completion": string}`);
    }
  });
  return [...pairs, ...packedTextExamples(stream, options)];
}

/** E2E NLG CSV (`mr,ref`): context = meaning representation, completion = reference text. */
export function e2eCsvExamples(tokenizer: Gpt2Tokenizer, text: string, options: DatasetOptions, fileName = 'CSV'): Example[] {
  const table = parseCsv(text, fileName);
  const find = (names: string[]) => table.header.findIndex((h) => names.includes(h.toLowerCase()));
  const contextCol = find(['mr', 'context']);
  const completionCol = find(['ref', 'completion']);
  if (contextCol < 0 || completionCol < 0) {
    fail('format', `${fileName}: expected columns "mr,ref" (or "context,completion"), found "${table.header.join(',')}"`);
  }
  const out: Example[] = [];
  for (const row of table.rows) {
    const example = contextCompletionExample(tokenizer, row[contextCol]!, row[completionCol]!, options);
    if (example !== null) out.push(example);
  }
  return out;
}

export type DataFormat = 'text' | 'jsonl' | 'csv';

export function formatOfFileName(name: string): DataFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.jsonl')) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.txt') || lower.endsWith('.md')) return 'text';
  return fail('data', `${name}: unsupported file type; use .txt, .md, .jsonl or .csv`);
}

export function examplesFromFile(tokenizer: Gpt2Tokenizer, name: string, text: string, options: DatasetOptions): Example[] {
  if (text.trim().length === 0) fail('data', `${name} is empty`);
  switch (formatOfFileName(name)) {
    case 'jsonl': return jsonlExamples(tokenizer, text, options, name);
    case 'csv': return e2eCsvExamples(tokenizer, text, options, name);
    case 'text': return textExamples(tokenizer, text, options);
  }
}

export function countLossTokens(examples: readonly Example[]): number {
  return examples.reduce((sum, e) => sum + e.lossMask.reduce((a, b) => a + b, 0) - e.lossMask[0]!, 0);
}
