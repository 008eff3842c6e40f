// A web build is current while none of its sources changed; any change to a source (not a test) asks for a build.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIsCurrent, sourceHash, writeStamp } from './web-build-stamp.js';

describe('web build stamp', () => {
  it('asks for a build when a source changes, not when a test or an output does', () => {
    const root = mkdtempSync(join(tmpdir(), 'stamp-'));
    mkdirSync(join(root, 'app/src'), { recursive: true });
    mkdirSync(join(root, 'app/dist'), { recursive: true });
    writeFileSync(join(root, 'app/src/main.ts'), 'export const a = 1;\n');
    const hash = sourceHash(root, ['app', 'missing-folder']);
    const dist = join(root, 'app/dist');
    expect(buildIsCurrent(dist, hash)).toBe(false); // never built
    writeFileSync(join(dist, 'index.html'), '<!doctype html>');
    writeStamp(dist, hash);
    expect(buildIsCurrent(dist, hash)).toBe(true);
    writeFileSync(join(root, 'app/src/main.test.ts'), 'test');
    writeFileSync(join(dist, 'extra.js'), 'built');
    expect(sourceHash(root, ['app', 'missing-folder'])).toBe(hash);
    writeFileSync(join(root, 'app/src/main.ts'), 'export const a = 2;\n');
    expect(buildIsCurrent(dist, sourceHash(root, ['app']))).toBe(false);
  });
});
