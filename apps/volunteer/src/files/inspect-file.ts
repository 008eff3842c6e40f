// Turns one chosen file into training examples with the run's tokenizer, or a clear reason it cannot be used.
// Runs in the worker; DOM-free so the same checks are unit-tested in Node with the real tokenizer.
import { CoreError, countLossTokens, type DataFormat, type Example, examplesFromFile, formatOfFileName, type Gpt2Tokenizer } from '@splitlora/core';
import { decodeTextFile } from './decode-text.js';
import { MAX_FILE_BYTES } from './file-limits.js';
import { FileProblem } from './file-problem.js';
import { previewLines } from './preview.js';

export type FileInspection =
  | { ok: true; text: string; format: DataFormat; examples: Example[]; tokens: number; preview: string[] }
  | { ok: false; error: string; preview: string[] };

/** The user-facing message of an error raised while reading a file (core errors already name the file and line). */
export function fileErrorMessage(name: string, error: unknown): string {
  if (error instanceof FileProblem || error instanceof CoreError) return error.message;
  const detail = error instanceof Error ? error.message : String(error);
  return `${name} could not be read: ${detail}`;
}

/** The extension check alone, to refuse a file before reading it. */
export function checkFileName(name: string): string | null {
  try {
    formatOfFileName(name);
    return null;
  } catch (error) {
    return fileErrorMessage(name, error);
  }
}

export function inspectFile(
  tokenizer: Gpt2Tokenizer, name: string, bytes: Uint8Array, maxSeqLen: number, limit = MAX_FILE_BYTES,
): FileInspection {
  let preview: string[] = [];
  try {
    const format = formatOfFileName(name);
    const text = decodeTextFile(name, bytes, limit);
    preview = previewLines(text);
    const examples = examplesFromFile(tokenizer, name, text, { maxSeqLen });
    if (examples.length === 0) {
      throw new FileProblem(`${name}: expected at least one training example, found none (the text is too short, or every record's context fills the ${maxSeqLen}-token window)`);
    }
    return { ok: true, text, format, examples, tokens: countLossTokens(examples), preview };
  } catch (error) {
    return { ok: false, error: fileErrorMessage(name, error), preview };
  }
}
