// Metric records → chart series: per-client loss lines, their mean, and the per-round series.
import { describe, expect, it } from 'vitest';
import { clientLabels, globalStep, lossSeries, roundSeries } from './chart-series.js';
import { fakeClient, roundRecord, step } from './test-fixtures.js';

describe('loss series', () => {
  const steps = [
    step('c1', 1, 0, 3.0), step('c2', 1, 0, 2.0),
    step('c1', 1, 1, 2.6), step('c2', 1, 1, 1.8),
    step('c1', 2, 0, 2.2),
  ];

  it('puts rounds after each other on one step axis', () => {
    expect(globalStep(1, 0, 10)).toBe(0);
    expect(globalStep(3, 4, 10)).toBe(24);
  });

  it('gives one line per client, labelled by name, in step order', () => {
    const series = lossSeries(steps, 4, clientLabels([fakeClient('c1', { name: 'Ada' }), fakeClient('c2', { name: ' ' })]));
    expect(series.clients.map((c) => c.label)).toEqual(['Ada', 'c2']);
    expect(series.clients[0]?.points).toEqual([{ x: 0, y: 3.0 }, { x: 1, y: 2.6 }, { x: 4, y: 2.2 }]);
    expect(series.clients[1]?.points).toEqual([{ x: 0, y: 2.0 }, { x: 1, y: 1.8 }]);
  });

  it('means the clients that reported each step', () => {
    const { mean } = lossSeries(steps, 4, new Map());
    expect(mean.map((p) => p.x)).toEqual([0, 1, 4]);
    expect(mean[0]?.y).toBeCloseTo(2.5);
    expect(mean[1]?.y).toBeCloseTo(2.2);
    expect(mean[2]?.y).toBeCloseTo(2.2);
  });

  it('sorts steps that arrive out of order and skips non-finite losses', () => {
    const series = lossSeries([step('c1', 1, 2, 2.0), step('c1', 1, 1, 2.5), step('c1', 1, 3, Number.NaN)], 4, new Map());
    expect(series.clients[0]?.points.map((p) => p.x)).toEqual([1, 2]);
    expect(series.mean).toHaveLength(2);
  });
});

describe('round series', () => {
  it('keeps round 0 (evaluation before training) for eval and leaves it out of speed and traffic', () => {
    const series = roundSeries([roundRecord(0), roundRecord(1), roundRecord(2, { evalPerplexity: null, evalLoss: 2 })]);
    expect(series.evalLoss.map((p) => p.x)).toEqual([0, 1, 2]);
    expect(series.trainLoss.map((p) => p.x)).toEqual([1, 2]);
    expect(series.evalPerplexity[2]?.y).toBeCloseTo(Math.exp(2));
    expect(series.labels).toEqual(['1', '2']);
    expect(series.tokensPerSecond).toEqual([327.7, 327.7]);
    expect(series.bytesUp).toEqual([1e6, 2e6]);
    expect(series.bytesDown).toEqual([2e6, 4e6]);
  });

  it('skips rounds without evaluation', () => {
    const series = roundSeries([roundRecord(1, { evalLoss: null, evalPerplexity: null })]);
    expect(series.evalLoss).toEqual([]);
    expect(series.evalPerplexity).toEqual([]);
  });
});
