/**
 * Least-squares straight lines: the one slope fit every module uses (measured loss rates, rates of
 * ‖e‖, convergence orders, width exponents, decay classification).
 */

export interface LineFit {
  /** Least-squares slope b of y ≈ a + b·x; 0 when the x values are all equal (no slope to fit). */
  slope: number;
  /** a = mean(y) − b·mean(x). */
  intercept: number;
  /** Root-mean-square residual √(Σ (y − a − b·x)² / n) (n ≥ 1). */
  rms: number;
  /** Coefficient of determination Sxy² / (Sxx·Syy); 1 when the y values are all equal. */
  r2: number;
  /** Standard error of the slope √(Σ residual² / (n − 2) / Sxx); Infinity with fewer than 3 points. */
  slopeStdError: number;
}

/**
 * Fits y ≈ a + b·x by least squares over the first min(x.length, y.length) points, with centred sums
 * (means first, then Σ(x − x̄)(y − ȳ) and Σ(x − x̄)², summed left to right). Callers check that
 * there are enough points; a fit of fewer than two distinct x values has slope 0.
 */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const n = Math.min(x.length, y.length);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const intercept = my - slope * mx;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (y[i] - intercept - slope * x[i]) ** 2;
  return {
    slope,
    intercept,
    rms: Math.sqrt(ss / Math.max(1, n)),
    r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy),
    slopeStdError: n > 2 && sxx > 0 ? Math.sqrt(ss / (n - 2) / sxx) : Infinity,
  };
}

/** The slope alone (see fitLine). */
export function fitSlope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return fitLine(x, y).slope;
}

/**
 * The least-squares slope of ln v[k] against k over k = from..to, on the entries above `floor` only
 * (a decaying ‖e_k‖ or loss short of its floating-point floor); null when fewer than `minPoints`
 * entries qualify.
 */
export function logSlopeAbove(
  v: ArrayLike<number>,
  from: number,
  to: number,
  floor: number,
  minPoints = 10,
): number | null {
  const ks: number[] = [];
  const ls: number[] = [];
  for (let k = from; k <= to; k++)
    if (v[k] > floor) {
      ks.push(k);
      ls.push(Math.log(v[k]));
    }
  return ks.length < minPoints ? null : fitLine(ks, ls).slope;
}
