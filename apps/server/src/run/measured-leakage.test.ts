// The run's measured figure comes from the benchmark's file for its model and cut; unmeasured models and cuts,
// odd names and a damaged file give none (the last with a warning).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measuredLeakage } from './measured-leakage.js';

describe('measuredLeakage', () => {
  it('reads the shipped tiny figures for a measured cut', () => {
    const warnings: string[] = [];
    const figure = measuredLeakage('tiny', 1, (m) => warnings.push(m));
    expect(figure).not.toBeNull();
    expect(figure!.cut).toBe(1);
    expect(figure!.exact).toBeGreaterThanOrEqual(0);
    expect(figure!.exact).toBeLessThanOrEqual(1);
    expect(measuredLeakage('tiny', 99, (m) => warnings.push(m))).toBeNull();
    expect(measuredLeakage('tiny-shakespeare-unmeasured', 1, (m) => warnings.push(m))).toBeNull();
    expect(measuredLeakage('../etc/passwd', 1, (m) => warnings.push(m))).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('warns about a damaged file and gives no figure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakage-'));
    writeFileSync(join(dir, 'broken.json'), '{"format": "other"}');
    const warnings: string[] = [];
    expect(measuredLeakage('broken', 1, (m) => warnings.push(m), dir)).toBeNull();
    expect(warnings[0]).toContain('not a leakage figures file');
  });
});
