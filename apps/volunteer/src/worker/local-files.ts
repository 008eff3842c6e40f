// The volunteer's files inside the worker: read each one once (never sent anywhere), report what it holds,
// keep the text of the usable ones, and build the training examples when the run asks for them.
import { type Example, examplesFromFile, type Gpt2Tokenizer } from '@splitlora/core';
import { checkFileSize } from '../files/decode-text.js';
import { checkFileName, fileErrorMessage, inspectFile } from '../files/inspect-file.js';
import type { FileHandoff, FileReport } from '../protocol/worker-messages.js';

interface UsableFile {
  name: string;
  text: string;
}

export class LocalFiles {
  private readonly usable = new Map<string, UsableFile>();
  private readonly removed = new Set<string>();
  /** Files are read one after another, in the order they were chosen. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly tokenizer: Promise<Gpt2Tokenizer>, private readonly maxSeqLen: number) {}

  add(file: FileHandoff): Promise<FileReport> {
    const report = this.queue.then(() => this.read(file));
    this.queue = report.catch(() => undefined);
    return report;
  }

  remove(id: string): void {
    this.usable.delete(id);
    this.removed.add(id);
  }

  get count(): number {
    return this.usable.size;
  }

  /** Examples of every usable file with the run's tokenizer and window, in the order the files were chosen. */
  examples(tokenizer: Gpt2Tokenizer, maxSeqLen: number): Example[] {
    const out: Example[] = [];
    for (const file of this.usable.values()) {
      for (const example of examplesFromFile(tokenizer, file.name, file.text, { maxSeqLen })) out.push(example);
    }
    return out;
  }

  private async read({ id, name, blob }: FileHandoff): Promise<FileReport> {
    const refused = (error: string, preview: string[] = []): FileReport => ({ id, name, bytes: blob.size, format: null, examples: 0, tokens: 0, preview, error });
    const nameProblem = checkFileName(name);
    if (nameProblem !== null) return refused(nameProblem);
    try {
      checkFileSize(name, blob.size);
    } catch (error) {
      return refused(fileErrorMessage(name, error));
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await blob.arrayBuffer());
    } catch (error) {
      return refused(`${name} could not be read (was it moved or deleted?): ${error instanceof Error ? error.message : String(error)}`);
    }
    let tokenizer: Gpt2Tokenizer;
    try {
      tokenizer = await this.tokenizer;
    } catch (error) {
      return refused(`${name} could not be tokenized: ${error instanceof Error ? error.message : String(error)}`);
    }
    const result = inspectFile(tokenizer, name, bytes, this.maxSeqLen);
    if (!result.ok) return refused(result.error, result.preview);
    if (!this.removed.has(id)) this.usable.set(id, { name, text: result.text });
    return { id, name, bytes: blob.size, format: result.format, examples: result.examples.length, tokens: result.tokens, preview: result.preview };
  }
}
