// Training loss against step: a thin line per client and a thick line for their mean, updated in place.
import type { ChartDataset } from 'chart.js';
import type { LossSeries, Point } from '../state/chart-series.js';
import type { LiveChart } from './live-chart.js';
import { clientColor, COLORS, withAlpha } from './palette.js';
import { Chart } from './register.js';
import { lossLegendFilter } from './legend-filter.js';

type LineDataset = ChartDataset<'line', Point[]>;

export function createLossChart(canvas: HTMLCanvasElement): LiveChart<LossSeries> {
  const mean: LineDataset = {
    label: 'Mean', data: [], borderColor: COLORS.mean, backgroundColor: COLORS.mean, borderWidth: 3, pointRadius: 0,
    pointHitRadius: 6, tension: 0.2, order: 0,
  };
  const chart = new Chart<'line', Point[]>(canvas, {
    type: 'line',
    data: { datasets: [mean] },
    options: {
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'step' }, ticks: { precision: 0 } },
        y: { type: 'linear', title: { display: true, text: 'loss' } },
      },
      plugins: {
        // The mean and, while few, each volunteer by name; many would crowd the legend (the caption explains the thin lines).
        legend: { labels: { filter: lossLegendFilter, boxWidth: 14, boxHeight: 3 } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${item.parsed.y?.toFixed(3) ?? '—'}` } },
      },
    },
  });
  const byClient = new Map<string, LineDataset>();

  return {
    update(series) {
      mean.data = series.mean;
      const present = new Set(series.clients.map((c) => c.clientId));
      for (const [id, dataset] of byClient) {
        if (present.has(id)) continue;
        byClient.delete(id);
        chart.data.datasets.splice(chart.data.datasets.indexOf(dataset), 1);
      }
      for (const client of series.clients) {
        let dataset = byClient.get(client.clientId);
        if (dataset === undefined) {
          const color = clientColor(byClient.size);
          dataset = { label: client.label, data: [], borderColor: withAlpha(color, 0.75), backgroundColor: color, borderWidth: 1.25, pointRadius: 0, pointHitRadius: 4, order: 1 };
          byClient.set(client.clientId, dataset);
          chart.data.datasets.push(dataset);
        }
        dataset.label = client.label;
        dataset.data = client.points;
      }
      chart.update('none');
    },
    destroy() {
      chart.destroy();
    },
  };
}
