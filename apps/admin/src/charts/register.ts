// Registers only the chart.js pieces the dashboard uses (line and bar charts, linear/category scales, legend, tooltip)
// with the shared defaults (web-kit) in the dashboard's colours.
import { applyChartDefaults } from '@splitlora/web-kit/chart-defaults';
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip);
applyChartDefaults(Chart, { text: '#5b6474', grid: 'rgba(15, 23, 42, 0.08)' });

export { Chart };
