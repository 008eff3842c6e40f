// A failed import reads as whole words: "not installed", or its first line cut at a space.
import { expect, it } from 'vitest';
import { firstLine } from './first-line.js';

it('says "not installed" for a missing package and never cuts a long line mid-word', () => {
  expect(firstLine(Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node' imported from /a/very/long/path"), { code: 'ERR_MODULE_NOT_FOUND' }))).toBe('not installed');
  const long = `libtensorflow.so.2: cannot open shared object file ${'/usr/lib/some/deeply/nested/folder/'.repeat(4)}end`;
  const shown = firstLine(new Error(long));
  expect(shown.endsWith('…')).toBe(true);
  expect(long.startsWith(shown.slice(0, -1))).toBe(true);
  expect([' ', '/']).toContain(long[shown.length - 1]);
  expect(firstLine(new Error('short\nsecond line'))).toBe('short');
});
