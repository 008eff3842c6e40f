// Registers only the chart.js pieces the dashboard uses (line and bar charts, linear/category scales, legend, tooltip).
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip);

// Same stack as --font-sans in styles.css.
Chart.defaults.font.family = '"Inter", ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", Arial, sans-serif';
Chart.defaults.font.size = 12;
Chart.defaults.color = '#5b6474';
Chart.defaults.borderColor = 'rgba(15, 23, 42, 0.08)';
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

export { Chart };
