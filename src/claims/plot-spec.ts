/**
 * The data of a plot as the claims layer produces it (a proof's plots, the loss curves of claim
 * runs); src/report/plot.ts draws it. Kept here, below the report layer, so that claims never
 * imports from report.
 */
export type AxisScale = 'linear' | 'log';

/** One named curve (or scatter) of [x, y] points. */
export interface Series {
  name: string;
  points: Array<[number, number]>;
  dashed?: boolean;
  /** Draw points (markers) instead of a line (scatter). */
  markers?: boolean;
}
