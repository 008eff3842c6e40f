// Bar charts per training round: tokens per second, and bytes up/down between volunteers and server.
import type { RoundSeries } from '../state/chart-series.js';
import { formatBytes, formatRate } from '../state/format.js';
import type { LiveChart } from './live-chart.js';
import { COLORS } from './palette.js';
import { Chart } from './register.js';
import { hasData } from './legend-filter.js';

export function createThroughputChart(canvas: HTMLCanvasElement): LiveChart<RoundSeries> {
  const chart = new Chart<'bar', number[], string>(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [{ label: 'tokens/s', data: [], backgroundColor: COLORS.throughput, borderRadius: 4, maxBarThickness: 36 }] },
    options: {
      scales: { x: { title: { display: true, text: 'round' } }, y: { beginAtZero: true, title: { display: true, text: 'tokens/s' } } },
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => `${formatRate(item.parsed.y ?? 0)} tokens/s` } } },
    },
  });
  return {
    update(series) {
      chart.data.labels = series.labels;
      const [dataset] = chart.data.datasets;
      if (dataset) dataset.data = series.tokensPerSecond;
      chart.update('none');
    },
    destroy() {
      chart.destroy();
    },
  };
}

export function createTrafficChart(canvas: HTMLCanvasElement): LiveChart<RoundSeries> {
  const chart = new Chart<'bar', number[], string>(canvas, {
    type: 'bar',
    data: {
      labels: [],
      datasets: [
        { label: 'Up (to server)', data: [], backgroundColor: COLORS.up, borderRadius: 4, maxBarThickness: 28 },
        { label: 'Down (to volunteers)', data: [], backgroundColor: COLORS.down, borderRadius: 4, maxBarThickness: 28 },
      ],
    },
    options: {
      scales: {
        x: { title: { display: true, text: 'round' } },
        y: { beginAtZero: true, ticks: { precision: 0, callback: (value) => formatBytes(Number(value)) } },
      },
      plugins: {
        legend: { labels: { filter: hasData, boxWidth: 12, boxHeight: 12 } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${formatBytes(item.parsed.y ?? 0)}` } },
      },
    },
  });
  return {
    update(series) {
      chart.data.labels = series.labels;
      const [up, down] = chart.data.datasets;
      if (up) up.data = series.bytesUp;
      if (down) down.data = series.bytesDown;
      chart.update('none');
    },
    destroy() {
      chart.destroy();
    },
  };
}
