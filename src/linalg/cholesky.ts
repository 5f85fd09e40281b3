/**
 * Cholesky factorisation of a shifted symmetric matrix, used as a certificate of positive
 * definiteness (hence, by Sylvester's law of inertia, of "no eigenvalue below τ").
 *
 * Theorem (Demmel 1989; Higham, Accuracy and Stability, Thm 10.3): if floating-point Cholesky runs
 * to completion on the symmetric B (no pivot ≤ 0, no underflow), the computed factor L̂ satisfies
 * L̂L̂ᵀ = B + ΔB with |ΔB| ≤ γ_{n+1}|L̂||L̂ᵀ| entrywise, whatever the order of the inner products.
 * Hence ‖ΔB‖₂ ≤ γ_{n+1}‖|L̂|‖₂² ≤ γ_{n+1}‖L̂‖_F² and λ_min(B) ≥ −γ_{n+1}‖L̂‖_F².
 *
 * Below n = 1200 the factor is computed row by row (Crout order, row-major lower triangle, every
 * inner product along two contiguous rows) with a 4×2 register block: four rows of L against two,
 * eight inner products per pass over k, ~5 GFLOP/s in V8 against ~2 for the plain loop. From
 * n = 1200 on, the right-looking blocked form of cholesky-blocked.ts runs on all cores.
 */
import { choleskyBlocked } from './cholesky-blocked.ts';
import { blockDots4x2, sharedFloat64 } from './dense.ts';
import { UNIT_ROUNDOFF, gamma, roundUp } from './rounding.ts';

/** From this order on, the blocked factorisation on all cores (cholesky-blocked.ts). */
const BLOCKED_MIN_N = 1200;

/** An n×n work buffer for choleskyShifted: on shared memory when the blocked, threaded path runs. */
export function choleskyWorkspace(n: number): Float64Array {
  return n >= BLOCKED_MIN_N ? sharedFloat64(n * n) : new Float64Array(n * n);
}

export interface CholeskyResult {
  /** True when every pivot was positive (the factor is in `factor`). */
  ok: boolean;
  /** Row-major n×n buffer whose lower triangle holds L̂ (upper triangle unspecified). */
  factor: Float64Array;
  /** Index of the first non-positive pivot when !ok. */
  failedAt: number;
}

/**
 * Cholesky of B = s·(A − τI), s = +1 (B = A − τI) or s = −1 (B = τI − A), reading the lower triangle
 * of A only. `work` (n² entries) is reused when given.
 */
export function choleskyShifted(
  A: Float64Array,
  n: number,
  tau: number,
  sign: 1 | -1,
  work?: Float64Array,
): CholeskyResult {
  const a = work && work.length >= n * n ? work : choleskyWorkspace(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    if (sign === 1) for (let j = 0; j < i; j++) a[ri + j] = A[ri + j];
    else for (let j = 0; j < i; j++) a[ri + j] = -A[ri + j];
    a[ri + i] = sign === 1 ? A[ri + i] - tau : tau - A[ri + i];
  }
  const failedAt = choleskyInPlace(a, n);
  return { ok: failedAt < 0, factor: a, failedAt };
}

/**
 * A certified lower bound on λ_min(B) from a completed factorisation of B = fl(s·(A − τI)):
 * λ_min(s·(A − τI)) ≥ −margin with margin = γ_{n+1}‖L̂‖_F² + u·max_i|b_ii| (the second term covers
 * the rounding of the shifted diagonal) + an underflow allowance.
 */
export function choleskyMargin(factor: Float64Array, n: number): number {
  let fro = 0;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    // ‖row i of L̂‖² equals the computed diagonal b_ii to within a relative γ_{n+1}.
    let r = 0;
    for (let j = 0; j <= i; j++) r += factor[ri + j] * factor[ri + j];
    fro += r;
    if (r > maxDiag) maxDiag = r;
  }
  const g = gamma(n + 1);
  // Sums of squares carry a relative error ≤ γ_{n²}; inflate by 2 to cover it and the rounding here.
  const slack = 2 * (1 + gamma(n * n + 2));
  const underflow = (n + 1) * (n + 1) * 2 ** -1022;
  return roundUp(slack * (g * fro + 2 * UNIT_ROUNDOFF * maxDiag) + underflow);
}

/**
 * In-place lower Cholesky of the row-major n×n buffer (lower triangle). Returns −1 on success or
 * the index of the first pivot that was not positive (or underflowed below 2⁻⁹⁶⁰, where the error
 * bound above would no longer hold).
 */
export function choleskyInPlace(a: Float64Array, n: number): number {
  const TINY = 2 ** -960;
  if (n >= BLOCKED_MIN_N) return choleskyBlocked(a, n, TINY);
  const s = new Float64Array(8);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = i * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    let j = 0;
    for (; j + 1 < i; j += 2) {
      const q0 = j * n;
      const q1 = q0 + n;
      blockDots4x2(a, n, r0, q0, 0, j, s);
      const d0 = a[q0 + j];
      const lj = a[q1 + j];
      const d1 = a[q1 + j + 1];
      let l = (a[r0 + j] - s[0]) / d0;
      a[r0 + j] = l;
      a[r0 + j + 1] = (a[r0 + j + 1] - (s[1] + l * lj)) / d1;
      l = (a[r1 + j] - s[2]) / d0;
      a[r1 + j] = l;
      a[r1 + j + 1] = (a[r1 + j + 1] - (s[3] + l * lj)) / d1;
      l = (a[r2 + j] - s[4]) / d0;
      a[r2 + j] = l;
      a[r2 + j + 1] = (a[r2 + j + 1] - (s[5] + l * lj)) / d1;
      l = (a[r3 + j] - s[6]) / d0;
      a[r3 + j] = l;
      a[r3 + j + 1] = (a[r3 + j + 1] - (s[7] + l * lj)) / d1;
    }
    // The 4×4 diagonal block (and any column left over), one entry at a time, rows in order.
    for (let r = i; r < i + 4; r++) {
      const fail = finishRow(a, n, r, j);
      if (fail >= 0) return fail;
      if (!(a[r * n + r] > TINY)) return r;
    }
  }
  for (; i < n; i++) {
    const fail = finishRow(a, n, i, 0);
    if (fail >= 0) return fail;
    if (!(a[i * n + i] > TINY)) return i;
  }
  return -1;
}

/** Columns j0..r of row r (columns < j0 already done). Returns r if the pivot is not positive. */
function finishRow(a: Float64Array, n: number, r: number, j0: number): number {
  const rr = r * n;
  for (let j = j0; j <= r; j++) {
    const rj = j * n;
    let s0 = 0;
    let s1 = 0;
    let k = 0;
    for (; k + 1 < j; k += 2) {
      s0 += a[rr + k] * a[rj + k];
      s1 += a[rr + k + 1] * a[rj + k + 1];
    }
    if (k < j) s0 += a[rr + k] * a[rj + k];
    const s = a[rr + j] - (s0 + s1);
    if (j < r) a[rr + j] = s / a[rj + j];
    else {
      if (!(s > 0)) return r;
      a[rr + r] = Math.sqrt(s);
    }
  }
  return -1;
}

/** Solve L Lᵀ y = x with the lower factor L (row-major, lower triangle); y may alias x. */
export function choleskySolve(L: Float64Array, n: number, x: Float64Array, y: Float64Array): void {
  if (y !== x) y.set(x.subarray(0, n));
  // L z = x (row-wise inner products)
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s0 = 0;
    let s1 = 0;
    let k = 0;
    for (; k + 1 < i; k += 2) {
      s0 += L[ri + k] * y[k];
      s1 += L[ri + k + 1] * y[k + 1];
    }
    if (k < i) s0 += L[ri + k] * y[k];
    y[i] = (y[i] - (s0 + s1)) / L[ri + i];
  }
  // Lᵀ y = z (row-wise axpys)
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const yi = y[i] / L[ri + i];
    y[i] = yi;
    for (let k = 0; k < i; k++) y[k] -= L[ri + k] * yi;
  }
}
