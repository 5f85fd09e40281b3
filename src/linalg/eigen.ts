/**
 * Eigenvalues (and, where a command needs the modes, eigenvectors) of dense symmetric matrices stored
 * as row-major Float64Array n×n. The one eigen home of dynview:
 *
 *   symmetricEigenvalues  all eigenvalues: Householder tridiagonalisation (lower triangle, row-wise
 *                         symmetric mat-vec) + implicit QL with Wilkinson shifts, no Q accumulated.
 *   symmetricEigen        values and orthonormal vectors (Q accumulated from the reflectors, QL
 *                         rotations applied to contiguous rows of Qᵀ).
 *   extremeEigenvalues    λ_min and λ_max only: Lanczos with full reorthogonalisation and
 *                         shift-and-invert for a slow end (src/linalg/extremes.ts); dense for n ≤ 160.
 *   extremeEigenEnclosure proved intervals for λ_min/λ_max: src/linalg/enclosure.ts.
 *
 * Backward stable: each computed eigenvalue is exact for a matrix within ~n·ε‖A‖₂ of A.
 * Methods, guarantees and timings: docs/spectra.md (bench/eigen_reference.py is the numpy reference).
 */

import { fastExtremes } from './extremes.ts';
import { tridiagonalQl } from './tridiagonal.ts';

/** Ascending eigenvalues of the symmetric matrix A (n×n row-major; A is not modified). */
export function symmetricEigenvalues(A: Float64Array, n: number): Float64Array {
  if (A.length < n * n)
    throw new RangeError(`symmetricEigenvalues: matrix has ${A.length} entries, expected ${n * n}`);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return d;
  for (let i = 0; i < A.length && i < n * n; i++) {
    if (!Number.isFinite(A[i])) throw new RangeError('symmetricEigenvalues: matrix has a non-finite entry');
  }
  const a = Float64Array.from(A.subarray(0, n * n));
  tridiagonalize(a, n, d, e);
  tridiagonalQl(d, e, n);
  d.sort();
  return d;
}

/**
 * Full symmetric eigen-decomposition: eigenvalues ascending and orthonormal eigenvectors, for the
 * commands that need the modes (not just λ_min/λ_max: use src/linalg/lanczos.ts or enclosure.ts).
 * `vectors` is row-major n×n with column j the eigenvector of values[j]. Householder reduction
 * (Q accumulated from the stored reflectors) then QL with the rotations applied to rows of Qᵀ.
 */
export function symmetricEigen(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  if (A.length < n * n)
    throw new RangeError(`symmetricEigen: matrix has ${A.length} entries, expected ${n * n}`);
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(A[i])) throw new RangeError('symmetricEigen: matrix has a non-finite entry');
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: new Float64Array(0) };
  const a = Float64Array.from(A.subarray(0, n * n));
  const hs = new Float64Array(n);
  tridiagonalize(a, n, d, e, hs);
  // Z = P_{n−1}⋯P_1 (P_i = I − u_i u_iᵀ/h_i, u_i = row i of a, columns 0..i−1), built as
  // Z ← P_i Z for i = 1..n−1; P_i touches only the leading i×i block of Z, which is where Z
  // differs from the identity. Row-wise: v = u_iᵀ Z (axpys of rows), then Z_r −= (u_r/h) v.
  const Z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Z[i * n + i] = 1;
  const v = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const h = hs[i];
    if (h === 0) continue;
    const ri = i * n;
    v.fill(0, 0, i);
    // v = uᵀZ (four rows of Z per pass over v), then Z_r −= (u_r/h)·v (four rows per pass).
    let r = 0;
    for (; r + 3 < i; r += 4) {
      const u0 = a[ri + r];
      const u1 = a[ri + r + 1];
      const u2 = a[ri + r + 2];
      const u3 = a[ri + r + 3];
      const z0 = r * n;
      const z1 = z0 + n;
      const z2 = z1 + n;
      const z3 = z2 + n;
      for (let c = 0; c < i; c++) v[c] += u0 * Z[z0 + c] + u1 * Z[z1 + c] + u2 * Z[z2 + c] + u3 * Z[z3 + c];
    }
    for (; r < i; r++) {
      const ur = a[ri + r];
      const zr = r * n;
      for (let c = 0; c < i; c++) v[c] += ur * Z[zr + c];
    }
    r = 0;
    for (; r + 3 < i; r += 4) {
      const f0 = a[ri + r] / h;
      const f1 = a[ri + r + 1] / h;
      const f2 = a[ri + r + 2] / h;
      const f3 = a[ri + r + 3] / h;
      const z0 = r * n;
      const z1 = z0 + n;
      const z2 = z1 + n;
      const z3 = z2 + n;
      for (let c = 0; c < i; c++) {
        const vc = v[c];
        Z[z0 + c] -= f0 * vc;
        Z[z1 + c] -= f1 * vc;
        Z[z2 + c] -= f2 * vc;
        Z[z3 + c] -= f3 * vc;
      }
    }
    for (; r < i; r++) {
      const f = a[ri + r] / h;
      const zr = r * n;
      for (let c = 0; c < i; c++) Z[zr + c] -= f * v[c];
    }
  }
  // W = Zᵀ = Qᵀ: rows are the columns of Q, rotated by QL into eigenvectors.
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) W[j * n + i] = Z[i * n + j];
  tridiagonalQl(d, e, n, W);
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => d[p] - d[q]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const src = order[j];
    values[j] = d[src];
    const ws = src * n;
    for (let i = 0; i < n; i++) vectors[i * n + j] = W[ws + i];
  }
  return { values, vectors };
}

/** Below this order the dense solver is as fast as Lanczos and exact by construction. */
const DENSE_EXTREMES_MAX_N = 160;

/**
 * Smallest and largest eigenvalue (values only; for proved bounds use extremeEigenEnclosure in
 * src/linalg/enclosure.ts). Lanczos with full reorthogonalisation and shift-and-invert for a slow end
 * (src/linalg/extremes.ts: residual ≤ tol·‖A‖, default 1e-11, so the values are accurate to
 * ~tol²‖A‖²/gap and never worse than tol·‖A‖);
 * the dense solver for n ≤ 160 or when neither converges.
 */
export function extremeEigenvalues(A: Float64Array, n: number, tol = 1e-11): { min: number; max: number } {
  if (n > DENSE_EXTREMES_MAX_N) {
    for (let i = 0; i < n * n; i++) {
      if (!Number.isFinite(A[i])) throw new RangeError('extremeEigenvalues: matrix has a non-finite entry');
    }
    const ext = fastExtremes(A, n, { tol }, () => symmetricEigenvalues(A, n));
    return { min: ext.min.value, max: ext.max.value };
  }
  const ev = symmetricEigenvalues(A, n);
  return { min: ev[0], max: ev[n - 1] };
}

/**
 * Spectral norm ‖A‖₂ = max |λ| of a symmetric matrix, to relative accuracy ~`tol` (default 1e-8: the
 * Lanczos residual tolerance; drift-type matrices H(t) − H(0) have semicircle-like edges where a
 * tighter residual costs many more steps for digits nobody reads).
 */
export function spectralNormSymmetric(A: Float64Array, n: number, tol = 1e-8): number {
  if (n === 0) return 0;
  const { min, max } = extremeEigenvalues(A, n, tol);
  return Math.max(Math.abs(min), Math.abs(max));
}

/**
 * Householder tridiagonalisation of the lower triangle of a (overwritten). On return d holds the
 * diagonal and e[0..n−2] the sub-diagonal (e[n−1] = 0); with `hs`, h_i of each reflector
 * P_i = I − u_i u_iᵀ/h_i (u_i = row i of a, columns 0..i−1; h_i = 0: no reflection) for the
 * eigenvector accumulation.
 *
 * One pass over the trailing triangle per step: step i needs p = A u_i (a symmetric mat-vec) and
 * then the rank-2 update A ← A − u qᵀ − q uᵀ. The update of row i−1 comes first, which gives the
 * next reflector u_{i−1}; then each remaining row j, once updated, at once contributes its part of
 * the next mat-vec A u_{i−1}. That halves the memory traffic of the two-pass form (this loop is bound
 * by streaming the triangle, about n³/3 entries in all).
 */
function tridiagonalize(
  a: Float64Array,
  n: number,
  d: Float64Array,
  e: Float64Array,
  hs?: Float64Array,
): void {
  let p = new Float64Array(n);
  let pNext = new Float64Array(n);
  if (n > 1) {
    let i = n - 1;
    let h = householderRow(a, n, i, e);
    if (hs) hs[i] = h;
    if (h !== 0) symmetricRowMatVec(a, n, i, p);
    for (; i > 0; i--) {
      const l = i - 1;
      const ri = i * n;
      const rl = l * n;
      let hNext = 0;
      if (h !== 0) {
        // q = p/h − (uᵀp/2h²)·u, kept in p.
        let f = 0;
        const invH = 1 / h;
        for (let j = 0; j <= l; j++) {
          p[j] *= invH;
          f += p[j] * a[ri + j];
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) p[j] -= hh * a[ri + j];
        // Row l first: it becomes the next reflector.
        {
          const fl = a[ri + l];
          const gl = p[l];
          for (let k = 0; k <= l; k++) a[rl + k] -= fl * p[k] + gl * a[ri + k];
        }
        if (l > 0) {
          hNext = householderRow(a, n, l, e);
          if (hs) hs[l] = hNext;
        }
        // Rows 0..l−1: update, and (if there is a next reflector u' = row l) accumulate A u'.
        if (hNext !== 0) {
          pNext.fill(0, 0, l);
          // Two rows per pass: the loads of p_k, u_k, u'_k and pNext_k serve both.
          let j = 0;
          for (; j + 1 < l; j += 2) {
            const f0 = a[ri + j];
            const g0 = p[j];
            const w0 = a[rl + j];
            const f1 = a[ri + j + 1];
            const g1 = p[j + 1];
            const w1 = a[rl + j + 1];
            const r0 = j * n;
            const r1 = r0 + n;
            let s0 = 0;
            let s1 = 0;
            for (let k = 0; k < j; k++) {
              const pk = p[k];
              const uk = a[ri + k];
              const wk = a[rl + k];
              const v0 = a[r0 + k] - (f0 * pk + g0 * uk);
              const v1 = a[r1 + k] - (f1 * pk + g1 * uk);
              a[r0 + k] = v0;
              a[r1 + k] = v1;
              s0 += v0 * wk;
              s1 += v1 * wk;
              pNext[k] += v0 * w0 + v1 * w1;
            }
            // Columns j (both rows) and j+1 (row j+1).
            const vjj = a[r0 + j] - (f0 * p[j] + g0 * a[ri + j]);
            a[r0 + j] = vjj;
            const v1j = a[r1 + j] - (f1 * p[j] + g1 * a[ri + j]);
            a[r1 + j] = v1j;
            const v11 = a[r1 + j + 1] - (f1 * p[j + 1] + g1 * a[ri + j + 1]);
            a[r1 + j + 1] = v11;
            pNext[j] += s0 + vjj * w0 + v1j * w1;
            pNext[j + 1] += s1 + v1j * w0 + v11 * w1;
          }
          for (; j < l; j++) {
            const fj = a[ri + j];
            const gj = p[j];
            const uj = a[rl + j];
            const rj = j * n;
            let s = 0;
            for (let k = 0; k < j; k++) {
              const v = a[rj + k] - (fj * p[k] + gj * a[ri + k]);
              a[rj + k] = v;
              s += v * a[rl + k];
              pNext[k] += v * uj;
            }
            const vjj = a[rj + j] - (fj * p[j] + gj * a[ri + j]);
            a[rj + j] = vjj;
            pNext[j] += s + vjj * uj;
          }
        } else {
          for (let j = 0; j < l; j++) {
            const fj = a[ri + j];
            const gj = p[j];
            const rj = j * n;
            for (let k = 0; k <= j; k++) a[rj + k] -= fj * p[k] + gj * a[ri + k];
          }
        }
      } else if (l > 0) {
        hNext = householderRow(a, n, l, e);
        if (hs) hs[l] = hNext;
        if (hNext !== 0) symmetricRowMatVec(a, n, l, pNext);
      }
      const t = p;
      p = pNext;
      pNext = t;
      h = hNext;
    }
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
}

/**
 * The Householder reflector that zeroes row i of a left of its sub-diagonal: row i (columns 0..i−1)
 * is scaled and overwritten by u, e[i] receives the sub-diagonal entry; returns h (0: no reflection).
 */
function householderRow(a: Float64Array, n: number, i: number, e: Float64Array): number {
  const l = i - 1;
  const ri = i * n;
  if (l === 0) {
    e[i] = a[ri];
    return 0;
  }
  let scale = 0;
  for (let k = 0; k <= l; k++) scale += Math.abs(a[ri + k]);
  if (scale === 0) {
    e[i] = a[ri + l];
    return 0;
  }
  let h = 0;
  for (let k = 0; k <= l; k++) {
    a[ri + k] /= scale;
    h += a[ri + k] * a[ri + k];
  }
  const f = a[ri + l];
  const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
  e[i] = scale * g;
  h -= f * g;
  a[ri + l] = f - g;
  return h;
}

/** p = A u (unscaled), u = row i of a (columns 0..i−1), A the leading i×i block (lower triangle). */
function symmetricRowMatVec(a: Float64Array, n: number, i: number, p: Float64Array): void {
  const l = i - 1;
  const ri = i * n;
  p.fill(0, 0, l + 1);
  for (let j = 0; j <= l; j++) {
    const rj = j * n;
    const uj = a[ri + j];
    let s = 0;
    for (let k = 0; k < j; k++) {
      const ajk = a[rj + k];
      s += ajk * a[ri + k];
      p[k] += ajk * uj;
    }
    p[j] += s + a[rj + j] * uj;
  }
}
