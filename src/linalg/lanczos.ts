/**
 * Extreme eigenpairs of a symmetric operator by the Lanczos process with full reorthogonalisation.
 *
 * Each step applies the operator once, orthogonalises the new vector against the whole basis
 * (classical Gram–Schmidt, repeated when it cancels much: "twice is enough"), so the basis stays orthonormal to rounding and
 * no spurious copies of converged Ritz values appear, also on clustered or ill-conditioned spectra),
 * and every few steps computes the extreme eigenvalues θ of the tridiagonal T_k (implicit QL) and
 * their eigenvectors s (inverse iteration on T_k − θI). The Ritz pair (θ, y = Q_k s) has residual
 * ‖A y − θ y‖ = β_k |s_k| in exact arithmetic; the run stops when that estimate is below
 * tol·max|θ| at the requested ends, when the Krylov space becomes invariant (β_k ≈ 0: the Ritz values
 * are then eigenvalues), or after maxIter steps.
 *
 * What this does NOT give: a proof that θ_min is the smallest eigenvalue (a start vector nearly
 * orthogonal to the bottom eigenvector, or a not-yet-converged bottom end, leaves lower eigenvalues
 * unseen). Certified enclosures of λ_min and λ_max are built on top in src/linalg/enclosure.ts.
 */
import { Rng } from '../util/rng.ts';
import { dot, matVec } from './dense.ts';
import { ParallelMatVec } from './parallel-matvec.ts';
import { tridiagonalEigenvalues } from './tridiagonal.ts';

export interface LanczosOptions {
  /** Ends whose convergence stops the run (default both). */
  which?: 'both' | 'min' | 'max';
  /** Residual tolerance relative to max|θ| (default 1e-11). */
  tol?: number;
  /** Maximum number of steps (default min(n, 600)). */
  maxIter?: number;
  /** Seed of the Gaussian start vector (default 1): the same seed gives the same bits. */
  seed?: number;
  /**
   * Give up early (converged = false) when, extrapolating the residual decrease between the last two
   * checks geometrically, more than `budget` further steps would be needed; checked only after
   * max(40, budget/2) steps (Lanczos converges superlinearly, so early extrapolations are pessimistic;
   * spending half the switch cost first bounds the total at ~1.5× the better choice).
   */
  budget?: number;
}

export interface RitzPair {
  /** Ritz value θ. */
  value: number;
  /** Ritz vector y = Q s (unit length to rounding). */
  vector: Float64Array;
  /** β_k |s_k|: the residual ‖A y − θ y‖ in exact arithmetic. */
  residualEstimate: number;
}

export interface LanczosResult {
  min: RitzPair;
  max: RitzPair;
  iterations: number;
  /** True when the requested ends met the tolerance or the Krylov space became invariant. */
  converged: boolean;
}

/** y ← op(x): a symmetric linear operator on R^n. */
export type SymmetricOperator = (x: Float64Array, y: Float64Array) => void;

/**
 * Lanczos on the dense symmetric n×n row-major A; the mat-vec runs on all cores for large n
 * (parallel-matvec.ts, same bits as the serial one).
 */
export function lanczosExtremes(A: Float64Array, n: number, opts: LanczosOptions = {}): LanczosResult {
  const pm = ParallelMatVec.create(A, n);
  try {
    return lanczos(pm ? (x, y) => pm.apply(x, y) : (x, y) => matVec(A, n, x, y), n, opts);
  } finally {
    pm?.close();
  }
}

/** Lanczos with full reorthogonalisation on a symmetric operator. */
export function lanczos(op: SymmetricOperator, n: number, opts: LanczosOptions = {}): LanczosResult {
  if (n < 1) throw new RangeError('lanczos: n must be ≥ 1');
  const which = opts.which ?? 'both';
  const tol = opts.tol ?? 1e-11;
  const maxIter = Math.max(1, Math.min(n, opts.maxIter ?? 600));
  const rng = new Rng(opts.seed ?? 1);
  const Q: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let q = new Float64Array(n);
  for (let i = 0; i < n; i++) q[i] = rng.normal();
  scale(q, 1 / Math.sqrt(dot(q, q)));
  let best: {
    min: { value: number; s: Float64Array; res: number };
    max: { value: number; s: Float64Array; res: number };
  } | null = null;
  let converged = false;
  let prev: { k: number; min: number; max: number } | null = null;
  let maxAbs = 0; // max |α|, β seen so far: a lower bound on ‖A‖₂ up to a factor 2
  let nextCheck = Math.min(maxIter, 8);
  for (let k = 0; k < maxIter; k++) {
    Q.push(q);
    const w = new Float64Array(n);
    op(q, w);
    const a = dot(q, w);
    alpha.push(a);
    axpy(-a, q, w);
    if (k > 0) axpy(-beta[k - 1], Q[k - 1], w);
    // Full reorthogonalisation, classical Gram–Schmidt; a second pass only when the first removed
    // a large part of w (Kahan–Parlett: ‖w‖ dropped below 1/√2 of its size), as "twice is enough".
    let before = Math.sqrt(dot(w, w));
    for (let pass = 0; pass < 2; pass++) {
      const c = new Float64Array(Q.length);
      for (let j = 0; j < Q.length; j++) c[j] = dot(Q[j], w);
      for (let j = 0; j < Q.length; j++) axpy(-c[j], Q[j], w);
      const after = Math.sqrt(dot(w, w));
      if (after > Math.SQRT1_2 * before) break;
      before = after;
    }
    const b = Math.sqrt(dot(w, w));
    if (!Number.isFinite(a) || !Number.isFinite(b))
      throw new RangeError(
        'lanczos: a non-finite value appeared (matrix entries too large for double precision?)',
      );
    const last = k + 1 === maxIter;
    maxAbs = Math.max(maxAbs, Math.abs(a), k > 0 ? beta[k - 1] : 0);
    const invariant = b <= 64 * Number.EPSILON * Math.max(maxAbs, Number.MIN_VALUE) || k + 1 === n;
    if (last || invariant || k + 1 >= nextCheck) {
      best = ritzEnds(alpha, beta, invariant ? 0 : b);
      const scaleNow = Math.max(Math.abs(best.min.value), Math.abs(best.max.value), Number.MIN_VALUE);
      const okMin = best.min.res <= tol * scaleNow;
      const okMax = best.max.res <= tol * scaleNow;
      converged = invariant || (which === 'min' ? okMin : which === 'max' ? okMax : okMin && okMax);
      if (converged || last) break;
      if (opts.budget !== undefined && prev !== null && k + 1 >= Math.max(40, opts.budget / 2)) {
        const p0 = prev;
        const need = (res: number, prevRes: number): number => {
          if (res <= tol * scaleNow) return 0;
          const rate = Math.log(res / prevRes) / (k + 1 - p0.k);
          return rate < 0 ? Math.log((tol * scaleNow) / res) / rate : Infinity;
        };
        const needMin = which === 'max' ? 0 : need(best.min.res, p0.min);
        const needMax = which === 'min' ? 0 : need(best.max.res, p0.max);
        if (Math.max(needMin, needMax) > opts.budget) break;
      }
      prev = { k: k + 1, min: best.min.res, max: best.max.res };
      nextCheck = k + 1 + Math.max(4, Math.floor((k + 1) / 16));
    }
    beta.push(b);
    scale(w, 1 / b);
    q = w;
  }
  const ends = best!;
  const ritzVector = (s: Float64Array): Float64Array => {
    const y = new Float64Array(n);
    for (let j = 0; j < s.length; j++) axpy(s[j], Q[j], y);
    return y;
  };
  return {
    min: { value: ends.min.value, vector: ritzVector(ends.min.s), residualEstimate: ends.min.res },
    max: { value: ends.max.value, vector: ritzVector(ends.max.s), residualEstimate: ends.max.res },
    iterations: alpha.length,
    converged,
  };
}

/** Extreme eigenvalues of T (diagonal alpha, off-diagonal beta) with eigenvectors and β·|s_last|. */
function ritzEnds(
  alpha: number[],
  beta: number[],
  bNext: number,
): {
  min: { value: number; s: Float64Array; res: number };
  max: { value: number; s: Float64Array; res: number };
} {
  const k = alpha.length;
  const d = Float64Array.from(alpha);
  const e = Float64Array.from(beta.slice(0, k - 1));
  const ev = tridiagonalEigenvalues(d, e);
  const one = (theta: number, side: -1 | 1): { value: number; s: Float64Array; res: number } => {
    const s = tridiagonalEigenvector(d, e, theta, side);
    return { value: theta, s, res: bNext * Math.abs(s[k - 1]) };
  };
  return { min: one(ev[0], -1), max: one(ev[k - 1], 1) };
}

/**
 * Unit eigenvector of the symmetric tridiagonal T for its eigenvalue θ, by two steps of inverse
 * iteration on T − σI (σ = θ nudged by a few ulps of ‖T‖ so the solve is not exactly singular),
 * Gaussian elimination with partial pivoting (as LAPACK dgttrf/dgtts2).
 */
export function tridiagonalEigenvector(
  diag: Float64Array,
  off: Float64Array,
  theta: number,
  side: -1 | 1 = 1,
): Float64Array {
  const k = diag.length;
  const x = new Float64Array(k);
  if (k === 1) {
    x[0] = 1;
    return x;
  }
  let norm = 0;
  for (let i = 0; i < k; i++)
    norm = Math.max(
      norm,
      Math.abs(diag[i]) + (i > 0 ? Math.abs(off[i - 1]) : 0) + (i < k - 1 ? Math.abs(off[i]) : 0),
    );
  // Nudge σ outward (below the bottom end, above the top end) so T − σI is not exactly singular.
  const sigma = theta + side * 4 * Number.EPSILON * norm;
  const tiny = Number.EPSILON * Math.max(norm, Number.MIN_VALUE);
  // Factor T − σI = P L U.
  const dl = new Float64Array(k - 1);
  const dd = new Float64Array(k);
  const du = new Float64Array(k - 1);
  const du2 = new Float64Array(k);
  const swap = new Uint8Array(k);
  for (let i = 0; i < k; i++) dd[i] = diag[i] - sigma;
  for (let i = 0; i < k - 1; i++) {
    dl[i] = off[i];
    du[i] = off[i];
  }
  for (let i = 0; i < k - 1; i++) {
    if (Math.abs(dd[i]) >= Math.abs(dl[i])) {
      if (dd[i] === 0) dd[i] = tiny;
      const f = dl[i] / dd[i];
      dl[i] = f;
      dd[i + 1] -= f * du[i];
    } else {
      const f = dd[i] / dl[i];
      dd[i] = dl[i];
      dl[i] = f;
      const t = du[i];
      du[i] = dd[i + 1];
      dd[i + 1] = t - f * dd[i + 1];
      if (i < k - 2) {
        du2[i] = du[i + 1];
        du[i + 1] = -f * du[i + 1];
      }
      swap[i] = 1;
    }
  }
  if (dd[k - 1] === 0) dd[k - 1] = tiny;
  // Start from a fixed, generic vector.
  for (let i = 0; i < k; i++) x[i] = 1 + ((i * 7919) % 13) / 29;
  for (let it = 0; it < 3; it++) {
    for (let i = 0; i < k - 1; i++) {
      if (swap[i]) {
        const t = x[i];
        x[i] = x[i + 1];
        x[i + 1] = t - dl[i] * x[i];
      } else x[i + 1] -= dl[i] * x[i];
    }
    x[k - 1] /= dd[k - 1];
    x[k - 2] = (x[k - 2] - du[k - 2] * x[k - 1]) / dd[k - 2];
    for (let i = k - 3; i >= 0; i--) x[i] = (x[i] - du[i] * x[i + 1] - du2[i] * x[i + 2]) / dd[i];
    let m = 0;
    for (let i = 0; i < k; i++) m = Math.max(m, Math.abs(x[i]));
    if (!(m > 0) || !Number.isFinite(m))
      throw new Error('tridiagonalEigenvector: inverse iteration broke down');
    for (let i = 0; i < k; i++) x[i] /= m;
  }
  let s = 0;
  for (let i = 0; i < k; i++) s += x[i] * x[i];
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < k; i++) x[i] *= inv;
  return x;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  const n = x.length;
  for (let i = 0; i < n; i++) y[i] += a * x[i];
}

function scale(x: Float64Array, a: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= a;
}
