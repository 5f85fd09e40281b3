/** A regression data set: n rows x_i ∈ R^d (row-major) and targets y_i. */
export interface Dataset {
  /** The --data string it came from (e.g. "sphere:n=100,d=10,seed=1"). */
  source: string;
  n: number;
  d: number;
  /** n*d values, row-major. */
  X: Float64Array;
  /** n targets. */
  y: Float64Array;
  /** True when every row has unit norm (within 1e-12). */
  unitNorm: boolean;
  /** Human remarks for summaries, e.g. that rows are not unit-norm. */
  notes: string[];
}
