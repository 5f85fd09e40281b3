/**
 * Linear (exponential) versus sublinear (polynomial) decay, decided from a trajectory by a stated
 * procedure (docs/claims.md, "The rate-fit procedure"):
 *
 * 1. Divergence: a non-finite loss, or a late loss above `divergeFactor` × the initial loss → 'diverged'.
 * 2. Floor: points below `floor` × the largest loss are dropped (floating-point noise, not decay).
 * 3. Window: the late part of the run, t ∈ [t0 + windowStart·(T − t0), T] (t0 = max(0, first time),
 *    T the last, t > 0 only; default: the last 3/4 of the run's duration). "Late" is measured from the
 *    run's start, not from t = 0 of the method's clock: a run whose time carries an offset
 *    (t = (k + 2000)·η, or `start: 1000`) has its early transient at t ≈ t0, and a window from
 *    windowStart·T would cover the whole run, transient included.
 * 4. Envelope: when the loss oscillates in the window (≥ 8 interior local maxima), only its local
 *    maxima are kept (the upper envelope: NAG, underdamped HB, Bessel-like cos² factors); with 3 to 7
 *    maxima, the records from the right (points above every later point) are kept instead.
 * 5. Stalled: ln L falls by less than `stallDrop` across the window → 'stalled'.
 * 6. Two fits on the window: ln L = a − c·t (exponential) and ln L = b − p·ln t (power law), with
 *    their RMS residuals; and the local-slope elasticity q: the window is cut into 4 sub-windows of
 *    equal length in ln t (3 or 2 when an envelope has too few maxima), each gets its local slope s_i
 *    of ln L against t, and q is the slope of
 *    ln|s_i| against ln t_i. For exp(−ct) the slope in t is constant (q = 0); for t^(−p) the slope
 *    in ln t is constant, so the slope in t goes like 1/t (q = −1).
 * 7. Decision: 'linear' when q > −0.35 and the exponential fit is not worse than the power fit;
 *    'sublinear' when q < −0.65 and the power fit is not worse, and the window resolves a power law
 *    from an exponential (below); otherwise 'undecided'.
 *    Resolution: a power law t^(−p) is, over a window spanning little of ln t, almost an exponential
 *    (ln t is nearly linear in t when t_end/t_start is close to 1). The curvature it implies on the
 *    window's points is the separation p̂·κ, with p̂ the power fit's exponent and κ the RMS residual
 *    of ln t fitted by a straight line in t on those points (κ ≈ ln(t_end/t_start)²/27 for evenly
 *    spaced points and a short window): it is how far t^(−p̂) is from the nearest exponential. When
 *    it does not exceed the RMS residual of the better of the two fits, the data cannot tell the two
 *    laws apart (the residual comparison and the elasticity then measure whatever else is in the
 *    window: a transient, noise) and the kind is not 'sublinear': 'linear' by the local-slope rule
 *    above, else 'undecided' with that reason.
 * 8. Rate (kind 'linear'): the larger of the slope on the last half of the window (a sum of
 *    exponentials approaches its slowest mode from above) and c of ln L = A − c·t − p·ln t fitted on
 *    the window (which strips a polynomial prefactor such as critical damping's (1 + ct)²); the plain
 *    window slope is in `quality`. The crossover t* = p/c (where the polynomial factor stops dominating the local
 *    slope) is reported when both c > 0 and p > 0 (the discrete NAG case (1 − a)^k·k^(−p)).
 */

import { DIVERGENCE_FACTOR } from '../util/divergence.ts';
import { fitLine } from '../util/fit.ts';
import { formatHuman } from '../util/format.ts';

export interface DecayQuality {
  /** RMS residual of ln L = a − c t on the window. */
  rmsLinear: number;
  /** RMS residual of ln L = b − p ln t on the window. */
  rmsPower: number;
  /** Local-slope elasticity q (0 for exponential, −1 for power-law decay). */
  elasticity: number;
  /** Points used in the fits (envelope maxima when oscillating). */
  points: number;
  /** True when the fits used the upper envelope (local maxima). */
  envelope: boolean;
  /** Slope of ln L against t on the window (−rate of the plain exponential fit). */
  windowSlope: number;
  /** Slope of ln L against ln t on the window (−exponent of the plain power fit). */
  windowLogSlope: number;
  /** ln(t_end/t_start) of the fitted points: how much of ln t the window spans. */
  logSpan: number;
  /** RMS by which the fitted power law t^(−p̂) departs from the nearest exponential on the fitted
   * points (p̂·κ, κ the RMS residual of ln t against a line in t): the resolution of the window. */
  separation: number;
}

interface DecayBase {
  /** The fit window [t_from, t_to]. */
  window: [number, number];
  /** Where the polynomial factor of L ≈ C e^{−ct} t^{−p} stops dominating: t* = p/c. */
  crossover?: number;
  /** One human sentence on why the kind was chosen. */
  reason: string;
}

/** The classification, by kind: a rate only when linear, an exponent only when sublinear. */
export type DecayClassification =
  | (DecayBase & {
      kind: 'linear';
      /** Asymptotic loss rate c in L ≈ C e^{−ct}. */
      rate: number;
      exponent?: undefined;
      quality: DecayQuality | null;
    })
  | (DecayBase & {
      kind: 'sublinear';
      /** Loss exponent p in L ≈ C t^{−p}. */
      exponent: number;
      rate?: undefined;
      quality: DecayQuality | null;
    })
  | (DecayBase & {
      kind: 'stalled' | 'diverged' | 'undecided';
      rate?: undefined;
      exponent?: undefined;
      quality: DecayQuality | null;
    });

export interface ClassifyOptions {
  /** Start of the late window as a fraction of the run's duration from its first time (default 0.25). */
  windowStart?: number;
  /** Relative floor below which points are noise (default 1e-24). */
  floor?: number;
  /** Minimum fall of ln L across the window to count as decaying (default 0.1). */
  stallDrop?: number;
  /** Late loss above this multiple of the initial loss means divergence (default: the one divergence
   * rule's DIVERGENCE_FACTOR, src/util/divergence.ts). */
  divergeFactor?: number;
}

/** Least squares y = a + b·u + c·v (two regressors), by the centred normal equations. */
function twoRegressorFit(u: number[], v: number[], y: number[]): { b: number; c: number } | null {
  const n = y.length;
  const mean = (z: number[]) => z.reduce((s, q) => s + q, 0) / n;
  const mu = mean(u);
  const mv = mean(v);
  const my = mean(y);
  let suu = 0;
  let svv = 0;
  let suv = 0;
  let suy = 0;
  let svy = 0;
  for (let i = 0; i < n; i++) {
    const du = u[i] - mu;
    const dv = v[i] - mv;
    const dy = y[i] - my;
    suu += du * du;
    svv += dv * dv;
    suv += du * dv;
    suy += du * dy;
    svy += dv * dy;
  }
  const det = suu * svv - suv * suv;
  if (!(Math.abs(det) > 1e-12 * suu * svv)) return null;
  return { b: (svv * suy - suv * svy) / det, c: (suu * svy - suv * suy) / det };
}

/** Indices of interior local maxima of y (plateaus count once). */
export function localMaxima(y: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 1; i < y.length - 1; i++) {
    if (y[i] > y[i - 1] && y[i] >= y[i + 1]) out.push(i);
  }
  return out;
}

export function classifyDecay(
  t: ArrayLike<number>,
  loss: ArrayLike<number>,
  opts: ClassifyOptions = {},
): DecayClassification {
  const windowStart = opts.windowStart ?? 0.25;
  const floorRel = opts.floor ?? 1e-24;
  const stallDrop = opts.stallDrop ?? 0.1;
  const divergeFactor = opts.divergeFactor ?? DIVERGENCE_FACTOR;
  const n = Math.min(t.length, loss.length);
  const T = n > 0 ? t[n - 1] : 0;
  const none = (
    kind: 'stalled' | 'diverged' | 'undecided',
    reason: string,
    window: [number, number] = [0, T],
  ): DecayClassification => ({
    kind,
    window,
    quality: null,
    reason,
  });
  if (n < 8) return none('undecided', `only ${n} points`);

  // 1. divergence
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(loss[i]) || !Number.isFinite(t[i]))
      return none('diverged', `non-finite loss at t = ${formatHuman(t[i], 3)}`);
  }
  const L0 = loss[0];
  let maxLate = 0;
  for (let i = Math.floor(n / 2); i < n; i++) maxLate = Math.max(maxLate, loss[i]);
  if (L0 > 0 && maxLate > divergeFactor * L0)
    return none('diverged', `loss grew to ${formatHuman(maxLate, 3)} from ${formatHuman(L0, 3)}`);

  // 2. floor
  let Lmax = 0;
  for (let i = 0; i < n; i++) Lmax = Math.max(Lmax, loss[i]);
  if (!(Lmax > 0)) return none('undecided', 'loss is identically zero');
  const floor = floorRel * Lmax;
  // Cut where everything after is under the floor (noise from then on); isolated zeros of an
  // oscillating loss (cos² factors) do not cut: later peaks are above the floor. Non-positive
  // points are left out of the fits.
  let last = n - 1;
  while (last > 0 && !(loss[last] > floor)) last--;
  const Tend = t[last];
  if (!(Tend > 0)) return none('undecided', 'no positive times above the floor');

  // 3. window: the late part of the run's duration, measured from its start t0 (not from t = 0 of
  // the method's clock; a run from t = 0 gets [windowStart·T, T] as before)
  const t0 = Math.max(0, t[0]);
  const from = t0 + windowStart * (Tend - t0);
  const ts: number[] = [];
  const ls: number[] = [];
  for (let i = 0; i <= last; i++) {
    if (t[i] >= from && t[i] > 0 && loss[i] > 0) {
      ts.push(t[i]);
      ls.push(loss[i]);
    }
  }
  const window: [number, number] = [ts[0] ?? from, Tend];
  if (ts.length < 8) return none('undecided', `only ${ts.length} points in the late window`, window);

  // 4. envelope
  const maxima = localMaxima(ls);
  let envelope = false;
  let ex = ts;
  let ey = ls;
  if (maxima.length >= 8) {
    envelope = true;
    ex = maxima.map((i) => ts[i]);
    ey = maxima.map((i) => ls[i]);
  } else if (maxima.length >= 3) {
    // A few oscillations only: the records from the right (points above everything after them) form
    // a non-increasing upper envelope with enough points to fit.
    envelope = true;
    const keep: number[] = [];
    let best = -Infinity;
    for (let i = ls.length - 1; i >= 0; i--)
      if (ls[i] > best) {
        best = ls[i];
        keep.push(i);
      }
    keep.reverse();
    ex = keep.map((i) => ts[i]);
    ey = keep.map((i) => ls[i]);
  }
  const lnL = ey.map(Math.log);
  const lnT = ex.map(Math.log);

  // 5. stalled / rising
  const fitT = fitLine(ex, lnL);
  const fitLog = fitLine(lnT, lnL);
  const drop = -fitT.slope * (ex[ex.length - 1] - ex[0]);
  if (drop < -Math.log(divergeFactor))
    return none('diverged', `ln loss rises by ${formatHuman(-drop, 3)} across the window`, window);
  if (drop < stallDrop) {
    return {
      kind: 'stalled',
      window,
      quality: quality(),
      reason: `ln loss falls by only ${formatHuman(drop, 3)} across the window (< ${stallDrop})`,
    };
  }
  if (ex.length < 8)
    return {
      kind: 'undecided',
      window,
      quality: quality(),
      reason: `only ${ex.length} envelope maxima in the window`,
    };

  // 6. elasticity of the local slope over 4 sub-windows equal in ln t
  // 4 sub-windows; fewer when an envelope has too few maxima for 4 (each needs 2 points).
  const elasticity =
    localSlopeElasticity(ex, lnL, 4) ?? localSlopeElasticity(ex, lnL, 3) ?? localSlopeElasticity(ex, lnL, 2);

  function quality(): DecayQuality {
    return {
      rmsLinear: fitT.rms,
      rmsPower: fitLog.rms,
      elasticity: Number.NaN,
      points: ex.length,
      envelope,
      windowSlope: fitT.slope,
      windowLogSlope: fitLog.slope,
      logSpan: lnT[lnT.length - 1] - lnT[0],
      separation: Math.abs(fitLog.slope) * fitLine(ex, lnT).rms,
    };
  }
  const q: DecayQuality = { ...quality(), elasticity: elasticity ?? Number.NaN };
  if (elasticity === null)
    return {
      kind: 'undecided',
      window,
      quality: { ...q, elasticity: 0 },
      reason: 'local slopes do not all decrease (too few points per sub-window)',
    };

  // 8. three-term fit for the asymptotic rate and the crossover
  const three = twoRegressorFit(ex, lnT, lnL);
  const c3 = three ? -three.b : Number.NaN;
  const p3 = three ? -three.c : Number.NaN;
  let crossover: number | undefined;
  if (c3 > 0 && p3 > 0) crossover = p3 / c3;

  // 7. decision
  const linearBetter = fitT.rms <= fitLog.rms * 1.05;
  const powerBetter = fitLog.rms <= fitT.rms * 1.05;
  if (elasticity > -0.35 && linearBetter) {
    const windowRate = -fitT.slope;
    // The slope on the last half of the window approaches the asymptotic rate from above for a sum
    // of exponentials (faster modes fade); the three-term fit corrects a polynomial prefactor such
    // as (1 + ct)² (critical damping), where the plain slope is below the asymptotic rate. The larger
    // of the two is reported (the three-term value only when within a factor 2 of the window rate).
    const mid = (ex[0] + ex[ex.length - 1]) / 2;
    const lateX: number[] = [];
    const lateY: number[] = [];
    ex.forEach((x, i) => {
      if (x >= mid) {
        lateX.push(x);
        lateY.push(lnL[i]);
      }
    });
    const lateRate = lateX.length >= 3 ? -fitLine(lateX, lateY).slope : windowRate;
    const trusted = Number.isFinite(c3) && c3 > 0 && c3 < 2 * windowRate && c3 > 0.5 * windowRate;
    const rate = trusted ? Math.max(c3, lateRate) : lateRate;
    return {
      kind: 'linear',
      rate,
      window,
      quality: q,
      crossover,
      reason: `local slope in t is stable (elasticity ${formatHuman(elasticity, 3)}), exponential fit residual ${formatHuman(fitT.rms, 3)} ≤ power fit ${formatHuman(fitLog.rms, 3)}`,
    };
  }
  // Resolution: the curvature a power law implies on the window must exceed the better fit's
  // residual, or the window cannot tell a power law from an exponential (see the header, step 7).
  const resolved = q.separation > Math.min(fitT.rms, fitLog.rms);
  if (elasticity < -0.65 && powerBetter && !resolved) {
    return {
      kind: 'undecided',
      window,
      quality: q,
      crossover,
      reason: `the window cannot tell a power law from an exponential: over ln(t_end/t_start) = ${formatHuman(q.logSpan, 3)} of ln t, t^-${formatHuman(-fitLog.slope, 3)} departs from the nearest exponential by ${formatHuman(q.separation, 3)} (RMS in ln loss), not more than the better fit's residual ${formatHuman(Math.min(fitT.rms, fitLog.rms), 3)}; the local slope is not stable either (elasticity ${formatHuman(elasticity, 3)})`,
    };
  }
  if (elasticity < -0.65 && powerBetter) {
    return {
      kind: 'sublinear',
      exponent: -fitLog.slope,
      window,
      quality: q,
      crossover,
      reason: `local slope in t falls like 1/t (elasticity ${formatHuman(elasticity, 3)}), power fit residual ${formatHuman(fitLog.rms, 3)} ≤ exponential fit ${formatHuman(fitT.rms, 3)}`,
    };
  }
  return {
    kind: 'undecided',
    window,
    quality: q,
    crossover,
    reason:
      `elasticity ${formatHuman(elasticity, 3)} and residuals (exp ${formatHuman(fitT.rms, 3)}, power ${formatHuman(fitLog.rms, 3)}) do not agree on a kind` +
      (crossover !== undefined ? `; a crossover near t = ${formatHuman(crossover, 3)} is estimated` : ''),
  };
}

/**
 * Slope of ln|s_i| against ln t_i where s_i is the local slope of y against x on sub-window i
 * (k sub-windows of equal length in ln x). Null when a sub-window has < 2 points or a local slope
 * is not negative.
 */
export function localSlopeElasticity(x: number[], y: number[], k: number): number | null {
  const a = Math.log(x[0]);
  const b = Math.log(x[x.length - 1]);
  const lnS: number[] = [];
  const lnMid: number[] = [];
  for (let j = 0; j < k; j++) {
    const lo = a + ((b - a) * j) / k;
    const hi = a + ((b - a) * (j + 1)) / k;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < x.length; i++) {
      const lx = Math.log(x[i]);
      if (lx >= lo - 1e-12 && (lx < hi || (j === k - 1 && lx <= hi + 1e-12))) {
        xs.push(x[i]);
        ys.push(y[i]);
      }
    }
    if (xs.length < 2) return null;
    const s = fitLine(xs, ys).slope;
    if (!(s < 0)) return null;
    lnS.push(Math.log(-s));
    lnMid.push((lo + hi) / 2);
  }
  return fitLine(lnMid, lnS).slope;
}
