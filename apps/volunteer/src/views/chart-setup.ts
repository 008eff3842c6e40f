// Registers only the chart.js pieces the page uses (one line chart) with the shared defaults (web-kit) in the page's
// colours.
import { applyChartDefaults } from '@splitlora/web-kit/chart-defaults';
import { Chart, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Filler);
applyChartDefaults(Chart, { text: '#64748b', grid: 'rgba(15, 23, 42, 0.07)' });

export { Chart };
