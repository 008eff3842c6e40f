// The local loss as a small line chart (one point per step this tab trained), updated in place.
import type { LossPoint } from '../state/training-state.js';
import { Chart } from './chart-setup.js';

export interface LossChart {
  /** `plannedSteps`: this run's rounds × local steps, so the x axis shows the whole run from the start. */
  update(points: readonly LossPoint[], plannedSteps: number): void;
}

const LINE = '#0f766e';

export function createLossChart(canvas: HTMLCanvasElement): LossChart {
  let shown = -1;
  let points: readonly LossPoint[] = [];
  const chart = new Chart<'line', { x: number; y: number }[]>(canvas, {
    type: 'line',
    data: {
      datasets: [{
        label: 'Local loss', data: [], borderColor: LINE, backgroundColor: 'rgba(15, 118, 110, 0.10)', fill: 'origin',
        borderWidth: 2, pointRadius: 3, pointHoverRadius: 5, pointBackgroundColor: LINE, tension: 0.25, clip: 8,
      }],
    },
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'step' }, ticks: { precision: 0 }, min: 1, suggestedMax: 2, grid: { display: false } },
        y: { type: 'linear', title: { display: true, text: 'loss' }, grace: '10%' },
      },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => {
              const p = points[items[0]?.dataIndex ?? -1];
              return p === undefined ? '' : `Round ${p.round}, step ${p.step + 1}`;
            },
            label: (item) => `loss ${item.parsed.y?.toFixed(3) ?? '—'}`,
          },
        },
      },
    },
  });
  return {
    update(next, plannedSteps) {
      if (next.length === shown) return;
      shown = next.length;
      points = next;
      chart.options.scales!['x']!.suggestedMax = Math.max(2, plannedSteps, next.length);
      chart.data.datasets[0]!.data = next.map((p) => ({ x: p.x, y: p.loss }));
      chart.update('none');
    },
  };
}
