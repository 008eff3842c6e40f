// Checks a chosen file's bytes before parsing: size, binary content (NUL bytes, UTF-16), valid UTF-8, not empty.
import { formatBytes } from '../format/format.js';
import { MAX_FILE_BYTES } from './file-limits.js';
import { FileProblem } from './file-problem.js';
import { firstInvalidUtf8Offset } from './utf8.js';

/** Refuses empty and too-large files from their size alone, before reading them. */
export function checkFileSize(name: string, bytes: number, limit = MAX_FILE_BYTES): void {
  if (bytes === 0) throw new FileProblem(`${name} is empty (0 bytes)`);
  if (bytes > limit) {
    throw new FileProblem(`${name} is over the limit of ${formatBytes(limit)} per file (it is ${formatBytes(bytes)}); split it into smaller files`);
  }
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0').toUpperCase()}`;
}

/** The file's text, or a FileProblem that says why it is not UTF-8 text. */
export function decodeTextFile(name: string, bytes: Uint8Array, limit = MAX_FILE_BYTES): string {
  checkFileSize(name, bytes.byteLength, limit);
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) throw new FileProblem(`${name} is UTF-16 text; expected UTF-8 — save it as UTF-8 and add it again`);
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new FileProblem(`${name} looks like a binary file (a NUL byte at byte ${nul}); expected text: .txt, .md, .jsonl or .csv`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8Offset(bytes);
    const found = at >= 0 ? `byte ${hex(bytes[at]!)} at offset ${at}` : 'an invalid byte sequence';
    throw new FileProblem(`${name} is not UTF-8 text (found ${found}); save it as UTF-8 and add it again`);
  }
  if (text.trim().length === 0) throw new FileProblem(`${name} is empty (it holds only whitespace)`);
  return text;
}
