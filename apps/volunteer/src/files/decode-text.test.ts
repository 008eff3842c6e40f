// Unit tests of the byte-level file checks: empty, too large, binary (NUL, UTF-16), invalid UTF-8, good text.
import { describe, expect, it } from 'vitest';
import { checkFileSize, decodeTextFile } from './decode-text.js';
import { MAX_FILE_BYTES } from './file-limits.js';
import { FileProblem } from './file-problem.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('checkFileSize', () => {
  it('refuses empty files and files over the limit, naming the limit', () => {
    expect(() => checkFileSize('a.txt', 0)).toThrow('a.txt is empty (0 bytes)');
    expect(() => checkFileSize('big.txt', 73_400_000)).toThrow('big.txt is over the limit of 50 MB per file (it is 73.4 MB); split it into smaller files');
    expect(() => checkFileSize('big.txt', MAX_FILE_BYTES + 1)).toThrow('big.txt is over the limit of 50 MB per file');
    expect(() => checkFileSize('ok.txt', MAX_FILE_BYTES)).not.toThrow();
  });
});

describe('decodeTextFile', () => {
  it('returns the text of a UTF-8 file, without a byte-order mark', () => {
    expect(decodeTextFile('a.txt', utf8('\uFEFFhello wörld\n'))).toBe('hello wörld\n');
  });

  it('refuses binary files with the offset of the first NUL byte', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);
    expect(() => decodeTextFile('photo.txt', png)).toThrow('photo.txt looks like a binary file (a NUL byte at byte 8)');
  });

  it('names UTF-16 files as such', () => {
    expect(() => decodeTextFile('win.txt', new Uint8Array([0xff, 0xfe, 0x68, 0x00]))).toThrow('win.txt is UTF-16 text; expected UTF-8');
  });

  it('refuses invalid UTF-8 and says which byte and where', () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]); // "café" in Latin-1
    expect(() => decodeTextFile('old.txt', latin1)).toThrow('old.txt is not UTF-8 text (found byte 0xE9 at offset 3)');
  });

  it('refuses files that hold only whitespace', () => {
    expect(() => decodeTextFile('blank.md', utf8(' \n\t\n'))).toThrow('blank.md is empty (it holds only whitespace)');
  });

  it('checks the size limit it is given', () => {
    expect(() => decodeTextFile('a.txt', utf8('0123456789'), 5)).toThrow(FileProblem);
  });
});
