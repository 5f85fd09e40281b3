/**
 * Symmetric tridiagonal eigenvalue kernels: the implicit QL iteration with Wilkinson shifts (used by
 * the dense solver in eigen.ts after Householder reduction, and by Lanczos on its T_k).
 */

/** Ascending eigenvalues of the symmetric tridiagonal matrix with diagonal `diag` and off-diagonal `off` (length n−1). */
export function tridiagonalEigenvalues(diag: Float64Array, off: Float64Array): Float64Array {
  const n = diag.length;
  const d = Float64Array.from(diag);
  const e = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e[i] = off[i];
  tridiagonalQl(d, e, n);
  d.sort();
  return d;
}

/**
 * Implicit QL with Wilkinson shifts on the tridiagonal (d, e); d receives the eigenvalues. With W
 * (n×n row-major) every plane rotation of rows i, i+1 is also applied to rows i, i+1 of W, so
 * W ← Gᵀ W for the accumulated rotation G: starting from W = Qᵀ, row j of W ends as the eigenvector
 * of d[j] (contiguous rows, so the accumulation streams through memory).
 */
export function tridiagonalQl(d: Float64Array, e: Float64Array, n: number, W?: Float64Array): void {
  const EPS = Number.EPSILON;
  // Rotations of the current sweep, applied to W after the sweep (two at a time, see applyRotations).
  const cs = W ? new Float64Array(n) : null;
  const ss = W ? new Float64Array(n) : null;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= EPS * dd) break;
      }
      if (m === l) break;
      if (++iter > 200) throw new Error('symmetricEigenvalues: QL iteration did not converge');
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let deflated = false;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[m] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (cs && ss) {
          cs[i] = c;
          ss[i] = s;
        }
      }
      // Rotations i = m−1 down to i+1 (deflated) or l were computed; apply them in that order.
      if (W && cs && ss) applyRotations(W, n, cs, ss, m - 1, i + 1);
      if (deflated) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/**
 * Apply the plane rotations (c_i, s_i) of rows (i, i+1), for i = hi down to lo in that order, to the
 * row-major W (n columns). Two consecutive rotations share row i in one pass over the columns, so
 * each pass loads three rows instead of four; per element the operations and their order are those
 * of applying the rotations one by one, so the bits are the same.
 */
function applyRotations(
  W: Float64Array,
  n: number,
  cs: Float64Array,
  ss: Float64Array,
  hi: number,
  lo: number,
): void {
  let i = hi;
  for (; i - 1 >= lo; i -= 2) {
    const c1 = cs[i];
    const s1 = ss[i];
    const c2 = cs[i - 1];
    const s2 = ss[i - 1];
    const wa = (i - 1) * n; // row i−1
    const wb = wa + n; // row i
    const wc = wb + n; // row i+1
    for (let k = 0; k < n; k++) {
      const t = W[wc + k];
      const b = W[wb + k];
      W[wc + k] = s1 * b + c1 * t;
      const b1 = c1 * b - s1 * t;
      const a = W[wa + k];
      W[wb + k] = s2 * a + c2 * b1;
      W[wa + k] = c2 * a - s2 * b1;
    }
  }
  if (i >= lo) {
    const c = cs[i];
    const s = ss[i];
    const w0 = i * n;
    const w1 = w0 + n;
    for (let k = 0; k < n; k++) {
      const t = W[w1 + k];
      W[w1 + k] = s * W[w0 + k] + c * t;
      W[w0 + k] = c * W[w0 + k] - s * t;
    }
  }
}
