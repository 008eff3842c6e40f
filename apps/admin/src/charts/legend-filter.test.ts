// Legends name no empty series, and name the volunteers' lines while they are few.
import type { ChartData, LegendItem } from 'chart.js';
import { expect, it } from 'vitest';
import { hasData, lossLegendFilter, MAX_NAMED_VOLUNTEERS } from './legend-filter.js';

const data = (sizes: number[]): ChartData => ({ datasets: sizes.map((n, i) => ({ label: `s${i}`, data: Array.from({ length: n }, (_, x) => ({ x, y: 1 })) })) }) as ChartData;
const item = (datasetIndex: number) => ({ datasetIndex, text: `s${datasetIndex}` }) as LegendItem;

it('hides empty series and names few volunteers', () => {
  const few = data([3, 2, 0]);
  expect(hasData(item(2), few)).toBe(false);
  expect([0, 1, 2].map((i) => lossLegendFilter(item(i), few))).toEqual([true, true, false]);
  const many = data(Array.from({ length: MAX_NAMED_VOLUNTEERS + 2 }, () => 1));
  expect(lossLegendFilter(item(0), many)).toBe(true);
  expect(lossLegendFilter(item(1), many)).toBe(false);
});
