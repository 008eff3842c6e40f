// The four live chart cards (training loss, evaluation, tokens/s, traffic); charts are created once and updated in place.
import { createEvalChart } from '../charts/eval-chart.js';
import type { LiveChart } from '../charts/live-chart.js';
import { createLossChart } from '../charts/loss-chart.js';
import { createThroughputChart, createTrafficChart } from '../charts/round-bar-charts.js';
import type { LossSeries, RoundSeries } from '../state/chart-series.js';
import { card, h } from './dom.js';

export interface ChartsView {
  element: HTMLElement;
  update(loss: LossSeries, rounds: RoundSeries): void;
  destroy(): void;
}

interface ChartCard<S> { element: HTMLElement; chart: LiveChart<S>; setEmpty(empty: boolean): void }

function chartCard<S>(title: string, description: string, emptyText: string, summary: string, create: (canvas: HTMLCanvasElement) => LiveChart<S>): ChartCard<S> {
  const { element, body } = card(title, { description, className: 'card-chart' });
  const canvas = h('canvas', { role: 'img', 'aria-label': summary });
  const empty = h('p', { class: 'chart-empty' }, [emptyText]);
  body.append(h('div', { class: 'chart-box' }, [canvas, empty]));
  return { element, chart: create(canvas), setEmpty: (isEmpty) => { empty.hidden = !isEmpty; } };
}

export function createChartsView(): ChartsView {
  const loss = chartCard('Training loss', 'Thin lines: one per volunteer. Thick line: their mean.', 'No training steps yet.',
    'Training loss per volunteer and mean against step', createLossChart);
  const evaluation = chartCard('Evaluation', 'Eval loss and perplexity after each round (round 0: before training).', 'No evaluated rounds yet.',
    'Eval loss, train loss and perplexity per round', createEvalChart);
  const throughput = chartCard('Throughput', 'Tokens trained per second, all volunteers together.', 'No finished rounds yet.',
    'Tokens per second per round', createThroughputChart);
  const traffic = chartCard('Traffic', 'Activations, gradients and adapters on the wire per round.', 'No finished rounds yet.',
    'Bytes up and down per round', createTrafficChart);
  const element = h('div', { class: 'chart-grid' }, [loss.element, evaluation.element, throughput.element, traffic.element]);

  return {
    element,
    update(lossSeries, roundSeries) {
      loss.chart.update(lossSeries);
      loss.setEmpty(lossSeries.mean.length === 0);
      evaluation.chart.update(roundSeries);
      evaluation.setEmpty(roundSeries.evalLoss.length === 0 && roundSeries.trainLoss.length === 0);
      throughput.chart.update(roundSeries);
      throughput.setEmpty(roundSeries.labels.length === 0);
      traffic.chart.update(roundSeries);
      traffic.setEmpty(roundSeries.labels.length === 0);
    },
    destroy() {
      for (const c of [loss, evaluation, throughput, traffic]) c.chart.destroy();
    },
  };
}
