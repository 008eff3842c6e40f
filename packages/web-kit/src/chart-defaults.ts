// The chart.js defaults both pages share: the font stack of their styles, no animation (charts redraw on every
// update), charts that fill their box. Each page registers the chart.js pieces it uses and gives its own colours.
import type { Chart } from 'chart.js';

/** The --font-sans stack of both pages' styles.css. */
export const CHART_FONT_FAMILY = '"Inter", ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", Arial, sans-serif';

export function applyChartDefaults(chart: typeof Chart, colors: { text: string; grid: string }): void {
  chart.defaults.font.family = CHART_FONT_FAMILY;
  chart.defaults.font.size = 12;
  chart.defaults.color = colors.text;
  chart.defaults.borderColor = colors.grid;
  chart.defaults.animation = false;
  chart.defaults.maintainAspectRatio = false;
}
