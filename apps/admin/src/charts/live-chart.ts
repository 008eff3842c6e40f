// What every dashboard chart offers: take new series (updating the chart in place) and release its canvas.
export interface LiveChart<S> {
  update(series: S): void;
  destroy(): void;
}
