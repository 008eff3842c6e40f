// The y-range of a loss or perplexity axis that does not dramatise noise: it spans at least a minimum height (1 nat
// for a loss, a fifth of the largest value for a perplexity), adds a margin around the data, never goes below 0,
// and lands on round numbers, so a 0.01-nat wobble stays a flat line instead of filling the chart.
export interface AxisRange {
  min: number;
  max: number;
}

export interface AxisScaleOptions {
  /** The smallest span the axis shows, in the data's units. */
  minSpan: number;
  /** The smallest span as a fraction of the largest value (e.g. 0.2 for perplexities of any size). */
  minRelativeSpan: number;
  /** Extra room above and below the data, as a fraction of its span. */
  margin: number;
}

export const LOSS_AXIS: AxisScaleOptions = { minSpan: 1, minRelativeSpan: 0.1, margin: 0.1 };
export const PERPLEXITY_AXIS: AxisScaleOptions = { minSpan: 1, minRelativeSpan: 0.2, margin: 0.1 };

/** A round step near a tenth of the span (1, 2 or 5 × a power of ten). */
function niceStep(span: number): number {
  const raw = span / 10;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

/** The axis range for these values; undefined bounds (chart.js picks) when there are no finite values. */
export function axisRange(values: readonly number[], options: AxisScaleOptions): AxisRange | { min: undefined; max: undefined } {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { min: undefined, max: undefined };
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = Math.max(hi - lo, options.minSpan, options.minRelativeSpan * Math.abs(hi));
  const middle = (lo + hi) / 2;
  let min = middle - span / 2 - span * options.margin;
  let max = middle + span / 2 + span * options.margin;
  if (min < 0 && lo >= 0) {
    max -= min;
    min = 0;
  }
  const step = niceStep(max - min);
  return { min: Math.floor(min / step) * step, max: Math.ceil(max / step) * step };
}
