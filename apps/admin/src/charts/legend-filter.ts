// Which series a legend names: never an empty one (a metric the run does not produce), and the per-volunteer lines
// by name as long as there are few enough to read.
import type { ChartData, LegendItem } from 'chart.js';

/** Up to this many volunteers are named in the loss chart's legend; beyond, only the mean is. */
export const MAX_NAMED_VOLUNTEERS = 8;

export function hasData(item: LegendItem, data: ChartData): boolean {
  const index = item.datasetIndex;
  return index !== undefined && (data.datasets[index]?.data.length ?? 0) > 0;
}

/** The loss chart: the mean (dataset 0) and, when few, each volunteer's line, all only when they hold points. */
export function lossLegendFilter(item: LegendItem, data: ChartData): boolean {
  if (!hasData(item, data)) return false;
  return item.datasetIndex === 0 || data.datasets.length - 1 <= MAX_NAMED_VOLUNTEERS;
}
