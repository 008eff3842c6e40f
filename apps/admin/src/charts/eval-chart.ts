// Eval loss (and the round's train loss) on the left axis and eval perplexity on the right, per round; both axes
// scaled by loss-scale.ts so noise is not drawn as a cliff.
import type { ChartDataset } from 'chart.js';
import type { Point, RoundSeries } from '../state/chart-series.js';
import type { LiveChart } from './live-chart.js';
import { axisRange, LOSS_AXIS, PERPLEXITY_AXIS } from './loss-scale.js';
import { COLORS } from './palette.js';
import { Chart } from './register.js';

type LineDataset = ChartDataset<'line', Point[]>;

export function createEvalChart(canvas: HTMLCanvasElement): LiveChart<RoundSeries> {
  const evalLoss: LineDataset = { label: 'Eval loss', data: [], borderColor: COLORS.eval, backgroundColor: COLORS.eval, borderWidth: 2.5, pointRadius: 3, yAxisID: 'y' };
  const trainLoss: LineDataset = { label: 'Train loss', data: [], borderColor: COLORS.train, backgroundColor: COLORS.train, borderWidth: 2, borderDash: [5, 4], pointRadius: 2, yAxisID: 'y' };
  const perplexity: LineDataset = { label: 'Perplexity', data: [], borderColor: COLORS.perplexity, backgroundColor: COLORS.perplexity, borderWidth: 2, pointRadius: 3, yAxisID: 'y1' };
  const chart = new Chart<'line', Point[]>(canvas, {
    type: 'line',
    data: { datasets: [evalLoss, trainLoss, perplexity] },
    options: {
      parsing: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'round' }, ticks: { precision: 0, stepSize: 1 } },
        y: { type: 'linear', position: 'left', title: { display: true, text: 'loss' } },
        y1: { type: 'linear', position: 'right', title: { display: true, text: 'perplexity' }, grid: { drawOnChartArea: false } },
      },
      plugins: { legend: { labels: { boxWidth: 14, boxHeight: 3 } } },
    },
  });
  return {
    update(series) {
      evalLoss.data = series.evalLoss;
      trainLoss.data = series.trainLoss;
      perplexity.data = series.evalPerplexity;
      const scales = chart.options.scales!;
      Object.assign(scales['y']!, axisRange([...series.evalLoss, ...series.trainLoss].map((p) => p.y), LOSS_AXIS));
      Object.assign(scales['y1']!, axisRange(series.evalPerplexity.map((p) => p.y), PERPLEXITY_AXIS));
      chart.update('none');
    },
    destroy() {
      chart.destroy();
    },
  };
}
