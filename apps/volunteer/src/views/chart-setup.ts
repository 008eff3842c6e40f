// Registers only the chart.js pieces the page uses (one line chart) and sets calm defaults matching styles.css.
import { Chart, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Filler);

Chart.defaults.font.family = '"Inter", ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", Arial, sans-serif';
Chart.defaults.font.size = 12;
Chart.defaults.color = '#64748b';
Chart.defaults.borderColor = 'rgba(15, 23, 42, 0.07)';
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

export { Chart };
