// The evaluation chart's y-range: noise stays small on the axis, real drops fill it, and it never goes below 0.
import { describe, expect, it } from 'vitest';
import { axisRange, LOSS_AXIS, PERPLEXITY_AXIS } from './loss-scale.js';

describe('axisRange', () => {
  it('a 0.01-nat wobble takes up at most a hundredth of a loss axis at least 1 nat tall', () => {
    const r = axisRange([3.412, 3.405, 3.415, 3.409], LOSS_AXIS);
    if (r.min === undefined) throw new Error('expected a range');
    expect(r.max - r.min).toBeGreaterThanOrEqual(1);
    expect((3.415 - 3.405) / (r.max - r.min)).toBeLessThan(0.01);
    expect(r.min).toBeLessThanOrEqual(3.405);
    expect(r.max).toBeGreaterThanOrEqual(3.415);
  });

  it('a real drop fills most of the axis, with a margin on both sides', () => {
    const r = axisRange([10.8, 7.2, 5.1, 4.6], LOSS_AXIS);
    if (r.min === undefined) throw new Error('expected a range');
    expect(r.min).toBeLessThan(4.6);
    expect(r.max).toBeGreaterThan(10.8);
    expect((10.8 - 4.6) / (r.max - r.min)).toBeGreaterThan(0.6);
  });

  it('never goes below 0 for non-negative data, and lands on round numbers', () => {
    const r = axisRange([0.2, 0.25], LOSS_AXIS);
    expect(r.min).toBe(0);
    expect(r.max).toBeGreaterThanOrEqual(1);
    const p = axisRange([1234.5, 1200.1, 1190.7], PERPLEXITY_AXIS);
    if (p.min === undefined) throw new Error('expected a range');
    expect(p.max - p.min).toBeGreaterThanOrEqual(0.2 * 1234.5);
    expect(Number.isInteger(p.min / 50) && Number.isInteger(p.max / 50)).toBe(true);
  });

  it('leaves the bounds to chart.js when there is nothing finite to show', () => {
    expect(axisRange([], LOSS_AXIS)).toEqual({ min: undefined, max: undefined });
    expect(axisRange([Number.NaN, Number.POSITIVE_INFINITY], LOSS_AXIS)).toEqual({ min: undefined, max: undefined });
  });
});
