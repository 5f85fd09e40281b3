/**
 * Certified enclosures of the extreme eigenvalues of a dense symmetric matrix:
 *
 *   extremeEigenEnclosure(A, n) → { lambdaMin: {value, lo, hi, …}, lambdaMax: {…}, method }
 *   with λ_min(A) ∈ [lambdaMin.lo, lambdaMin.hi] and λ_max(A) ∈ [lambdaMax.lo, lambdaMax.hi].
 *
 * The argument (every endpoint is a proved bound, rounding errors included, rounded outward):
 *
 * 1. Inner side (λ_min ≤ hi, λ_max ≥ lo): Rayleigh. For any y ≠ 0, λ_min ≤ yᵀAy/yᵀy ≤ λ_max. We take
 *    y = the Ritz vector of src/linalg/extremes.ts (Lanczos, shift-and-invert when the end converges
 *    slowly) and bound the rounding of the computed
 *    quotient with Higham's γ_n: |fl(yᵀ(Ay)) − yᵀAy| ≤ γ_n(|y|ᵀ|fl(Ay)| + ‖A‖_F‖y‖²).
 * 2. Outer side (λ_min ≥ lo, λ_max ≤ hi): inertia by Cholesky. If floating-point Cholesky of
 *    fl(A − τI) runs to completion, then (Demmel 1989; Higham Thm 10.3) A − τI + E ⪰ 0 with
 *    ‖E‖₂ ≤ M = γ_{n+1}‖L̂‖_F² + u·max|b_ii| (src/linalg/cholesky.ts), so every eigenvalue of A is
 *    ≥ τ − M (Sylvester: A − (τ − M)I has no negative eigenvalue). Same with τI − A for λ_max.
 *    τ is placed just outside the Ritz value: τ = θ − (r + 4M̃), r the certified residual
 *    ‖Ay − θy‖/‖y‖ (some eigenvalue lies within r of θ) and M̃ an estimate of M; if the Ritz value
 *    really is the extreme one, A − τI is positive definite by r + 4M̃ and the factorisation succeeds.
 *    If it fails, Lanczos missed an eigenvalue beyond θ: the extreme is then recomputed from all
 *    eigenvalues (Householder + QL, src/linalg/eigen.ts) and certified the same way; if that fails
 *    too, the Gershgorin bound (always valid, usually loose) is returned and `method` says so.
 * 3. When the Lanczos end had not converged (r large), the factor of A − τI (certified positive
 *    definite) drives shift-and-invert Lanczos on (A − τI)⁻¹, whose top eigenvalue 1/(λ_min − τ) is
 *    well separated; its Ritz vector tightens the Rayleigh side, and a second factorisation at the
 *    new θ tightens the outer side.
 *
 * Cost: the Lanczos run (O(n²) per step, ~50–300 steps) plus one O(n³/3) factorisation per certified
 * side; ask for `which: 'min'` when only λ_min matters (e.g. "H∞ is positive definite").
 * Assumes IEEE double arithmetic with round-to-nearest and no overflow (entries are checked finite).
 */
import { choleskyMargin, choleskyShifted, choleskySolve, choleskyWorkspace } from './cholesky.ts';
import { assertSymmetric, frobeniusNormUpper, matVec, powerOfTwoScale, scaled } from './dense.ts';
import { symmetricEigenvalues } from './eigen.ts';
import { fastExtremes, type Extremes } from './extremes.ts';
import { lanczos, type LanczosResult } from './lanczos.ts';
import { UNIT_ROUNDOFF, gamma, roundDown, roundUp } from './rounding.ts';

export interface EigenBound {
  /** Best estimate (a Rayleigh quotient of A). */
  value: number;
  /** Proved lower bound. */
  lo: number;
  /** Proved upper bound. */
  hi: number;
  /** Certified ‖Ay − θy‖/‖y‖ of the Ritz vector behind `value`: some eigenvalue lies within it. */
  residual: number;
  /** True when both lo and hi are finite proved bounds (false: only the Rayleigh side was asked for). */
  certified: boolean;
}

export interface EigenEnclosure {
  lambdaMin: EigenBound;
  lambdaMax: EigenBound;
  /** How the outer sides were proved, e.g. 'lanczos+cholesky', 'dense+cholesky', 'gershgorin'. */
  method: string;
  /** Lanczos steps taken. */
  iterations: number;
}

export interface EnclosureOptions {
  /** Sides to certify (default both); the other extreme gets its Rayleigh side only. */
  which?: 'both' | 'min' | 'max';
  /** Seed of the Lanczos start vector (default 1). */
  seed?: number;
  /** Plain Lanczos steps before shift-and-invert (src/linalg/extremes.ts; default max(120, n/20)). */
  maxIter?: number;
  /**
   * fastExtremes(A, n) already computed for this A: its Ritz vectors are re-checked against A, so a
   * bad one costs tightness, never validity.
   */
  extremes?: Extremes;
}

/** Certified enclosures [lo, hi] ∋ λ_min(A), λ_max(A) of the symmetric n×n row-major A. */
export function extremeEigenEnclosure(
  A: Float64Array,
  n: number,
  opts: EnclosureOptions = {},
): EigenEnclosure {
  assertSymmetric(A, n, 'extremeEigenEnclosure');
  if (n === 0) throw new RangeError('extremeEigenEnclosure: empty matrix');
  const which = opts.which ?? 'both';
  if (n === 1) {
    const v = A[0];
    const b: EigenBound = { value: v, lo: v, hi: v, residual: 0, certified: true };
    return { lambdaMin: b, lambdaMax: { ...b }, method: 'exact (1×1)', iterations: 0 };
  }
  const s0 = powerOfTwoScale(A, n);
  if (s0 !== 1) {
    // Entries near the ends of the double range (where the error bounds would meet underflow):
    // enclose the eigenvalues of s0·A, exactly s0·λ(A), and divide back, rounding outward.
    const enc = extremeEigenEnclosure(scaled(A, n, s0), n, { ...opts, extremes: undefined });
    const back = (b: EigenBound): EigenBound => ({
      ...b,
      value: b.value / s0,
      lo: roundDown(b.lo / s0),
      hi: roundUp(b.hi / s0),
      residual: roundUp(b.residual / s0),
    });
    return { ...enc, lambdaMin: back(enc.lambdaMin), lambdaMax: back(enc.lambdaMax) };
  }
  const fro = frobeniusNormUpper(A, n);
  if (!Number.isFinite(fro))
    throw new RangeError('extremeEigenEnclosure: ‖A‖_F overflows double precision; scale the matrix down');
  const gersh = gershgorin(A, n);
  const lz = opts.extremes ?? fastExtremes(A, n, { which, seed: opts.seed, switchAfter: opts.maxIter });
  const work = choleskyWorkspace(n); // one factorisation buffer, reused by every shift
  const methods: string[] = [];
  const side = (s: 1 | -1, wanted: boolean): EigenBound => {
    const ritz = s === 1 ? lz.min : lz.max;
    const ray = rayleighBounds(A, n, ritz.vector, fro);
    // Inner side: λ_min ≤ ray.hi, λ_max ≥ ray.lo.
    const inner = s === 1 ? ray.hi : ray.lo;
    const bound: EigenBound = {
      value: ray.rho,
      lo: s === 1 ? -Infinity : ray.lo,
      hi: s === 1 ? ray.hi : Infinity,
      residual: ray.residual,
      certified: false,
    };
    if (!wanted) return bound;
    const cert = certifySide(A, n, s, ray, fro, gersh, work);
    methods.push(cert.method);
    // Outer side: λ_min ≥ cert.outer (s = 1), λ_max ≤ cert.outer (s = −1).
    let innerBest = inner;
    let rho = ray.rho;
    let residual = ray.residual;
    if (cert.ray) {
      if (s === 1 ? cert.ray.hi < innerBest : cert.ray.lo > innerBest) {
        innerBest = s === 1 ? cert.ray.hi : cert.ray.lo;
        rho = cert.ray.rho;
        residual = cert.ray.residual;
      }
    }
    return {
      value: rho,
      lo: s === 1 ? cert.outer : innerBest,
      hi: s === 1 ? innerBest : cert.outer,
      residual,
      certified: true,
    };
  };
  const lambdaMin = side(1, which !== 'max');
  const lambdaMax = side(-1, which !== 'min');
  for (const b of [lambdaMin, lambdaMax])
    if ([b.lo, b.hi, b.value].some(Number.isNaN) || !(b.lo <= b.hi))
      throw new Error(`extremeEigenEnclosure: internal error, invalid interval [${b.lo}, ${b.hi}]`);
  return {
    lambdaMin,
    lambdaMax,
    method: [...new Set(methods)].join(', ') || 'lanczos (Rayleigh side only)',
    iterations: lz.iterations,
  };
}

/**
 * Shift-and-invert Lanczos with the certified factor L of s(A − τI): the largest eigenpair of
 * (s(A − τI))⁻¹, whose vector is the Ritz vector nearest τ (null when Lanczos fails).
 */
function shiftInvertTop(L: Float64Array, n: number): LanczosResult | null {
  return tryLanczos(() =>
    lanczos((x, y) => choleskySolve(L, n, x, y), n, { which: 'max', tol: 1e-12, maxIter: Math.min(n, 200) }),
  );
}

/**
 * The outer bound of one end: λ_min ≥ outer (s = 1) or λ_max ≤ outer (s = −1), with the method used
 * and, when a shift-and-invert run found a better Ritz vector, its Rayleigh bounds.
 */
function certifySide(
  A: Float64Array,
  n: number,
  s: 1 | -1,
  ray: RayleighBounds,
  fro: number,
  gersh: { lo: number; hi: number },
  w: Float64Array,
): { outer: number; method: string; ray?: RayleighBounds } {
  // Try τ just outside the Ritz value; on success, optionally tighten by shift-and-invert.
  const first = tryShift(A, n, s, ray.rho, ray.residual, w);
  if (first.ok) {
    const width = Math.abs(ray.rho - first.bound);
    const scaleA = Math.max(Math.abs(ray.rho), fro * UNIT_ROUNDOFF * n);
    if (width <= 1e-7 * scaleA) return { outer: first.bound, method: 'lanczos+cholesky' };
    // Tighten: shift-and-invert Lanczos with the certified factor of s(A − τI).
    const si = shiftInvertTop(first.factor, n);
    if (!si) return { outer: first.bound, method: 'lanczos+cholesky' };
    const ray2 = rayleighBounds(A, n, si.max.vector, fro);
    const second = tryShift(A, n, s, ray2.rho, ray2.residual, w);
    const better = second.ok && (s === 1 ? second.bound > first.bound : second.bound < first.bound);
    return {
      outer: better ? second.bound : first.bound,
      method: 'lanczos+shift-invert+cholesky',
      ray: ray2,
    };
  }
  // Lanczos missed the extreme (or sits too close to it): all eigenvalues, then certify.
  const ev = symmetricEigenvalues(A, n);
  const theta = s === 1 ? ev[0] : ev[n - 1];
  const denseErr = 8 * gamma(n) * n * fro; // generous a-priori error of the dense solver
  const again = tryShift(A, n, s, theta, denseErr, w);
  if (again.ok) {
    const si = shiftInvertTop(again.factor, n);
    return {
      outer: again.bound,
      method: 'dense+cholesky',
      ray: si ? rayleighBounds(A, n, si.max.vector, fro) : undefined,
    };
  }
  return { outer: s === 1 ? gersh.lo : gersh.hi, method: 'gershgorin' };
}

/** A shift-and-invert run, or null when it overflowed (A − τI nearly singular at a tiny scale). */
function tryLanczos(run: () => LanczosResult): LanczosResult | null {
  try {
    return run();
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

interface ShiftTry {
  ok: boolean;
  /** Proved bound: λ_min ≥ bound (s = 1) or λ_max ≤ bound (s = −1). */
  bound: number;
  tau: number;
  factor: Float64Array;
}

/** Factor s(A − τI) with τ = θ − s·(r + 4M̃); on success return the proved outer bound τ ∓ M. */
function tryShift(
  A: Float64Array,
  n: number,
  s: 1 | -1,
  theta: number,
  r: number,
  work: Float64Array,
): ShiftTry {
  // M̃ ≈ γ_{n+1}·tr(s(A − θI)) + u·max|a_ii − θ|: the size of the Cholesky backward error.
  let tr = 0;
  let mx = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.abs(A[i * n + i] - theta);
    tr += v;
    mx = Math.max(mx, v);
  }
  const mEst = gamma(n + 1) * tr + UNIT_ROUNDOFF * mx;
  // Absolute floor 2⁻⁵⁰⁰: a zero (or denormal-scale) matrix still gets a shift its Cholesky can take.
  const gap = Math.max(r + 4 * mEst + 4 * UNIT_ROUNDOFF * Math.abs(theta), 2 ** -500);
  const tau = s === 1 ? roundDown(theta - gap) : roundUp(theta + gap);
  const f = choleskyShifted(A, n, tau, s, work);
  if (!f.ok) return { ok: false, bound: NaN, tau, factor: f.factor };
  const M = choleskyMargin(f.factor, n);
  return { ok: true, bound: s === 1 ? roundDown(tau - M) : roundUp(tau + M), tau, factor: f.factor };
}

export interface RayleighBounds {
  /** Computed ρ = yᵀAy / yᵀy. */
  rho: number;
  /** Proved lo ≤ yᵀAy/yᵀy ≤ hi. */
  lo: number;
  hi: number;
  /** Proved upper bound on ‖Ay − ρy‖/‖y‖ (some eigenvalue of A lies within it of ρ). */
  residual: number;
}

/** The Rayleigh quotient of y with proved rounding bounds, and a proved residual norm. */
export function rayleighBounds(
  A: Float64Array,
  n: number,
  y: Float64Array,
  froUpper: number,
): RayleighBounds {
  const w = new Float64Array(n);
  matVec(A, n, y, w);
  let p = 0;
  let pa = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    p += y[i] * w[i];
    pa += Math.abs(y[i] * w[i]);
    q += y[i] * y[i];
  }
  const g = gamma(n + 2);
  // |fl(yᵀw) − yᵀAy| ≤ γ_n|y|ᵀ|w| + |y|ᵀ|fl(Ay) − Ay| ≤ γ_n|y|ᵀ|w| + γ_n‖A‖_F‖y‖²; ×2 covers this line's rounding.
  const E = roundUp(2 * g * (pa + froUpper * q * (1 + g)));
  const qLo = roundDown(q * (1 - 2 * g));
  const qHi = roundUp(q * (1 + 2 * g));
  const numHi = roundUp(p + E);
  const numLo = roundDown(p - E);
  const hi = roundUp(numHi >= 0 ? numHi / qLo : numHi / qHi);
  const lo = roundDown(numLo >= 0 ? numLo / qHi : numLo / qLo);
  const rho = p / q;
  // ‖Ay − ρy‖ ≤ ‖fl(w − ρy)‖ + ‖fl(w − ρy) − (w − ρy)‖ + ‖w − Ay‖
  //          ≤ ‖fl(w − ρy)‖(1 + γ_n) + 2u(‖w‖ + |ρ|‖y‖) + γ_n‖A‖_F‖y‖.
  let rr = 0;
  let ww = 0;
  for (let i = 0; i < n; i++) {
    const t = w[i] - rho * y[i];
    rr += t * t;
    ww += w[i] * w[i];
  }
  const yn = Math.sqrt(q);
  const resid =
    2 *
    (Math.sqrt(rr) * (1 + g) + 2 * UNIT_ROUNDOFF * (Math.sqrt(ww) + Math.abs(rho) * yn) + g * froUpper * yn);
  return { rho, lo, hi, residual: roundUp(resid / roundDown(yn * (1 - g))) };
}

/** Gershgorin discs: every eigenvalue lies in [lo, hi] (proved, rounding included). */
export function gershgorin(A: Float64Array, n: number): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  const g = gamma(n + 1);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let rad = 0;
    for (let j = 0; j < n; j++) if (j !== i) rad += Math.abs(A[ri + j]);
    rad = roundUp(rad * (1 + 2 * g));
    lo = Math.min(lo, roundDown(A[ri + i] - rad));
    hi = Math.max(hi, roundUp(A[ri + i] + rad));
  }
  return { lo, hi };
}
