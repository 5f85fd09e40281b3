/**
 * Dense symmetric-matrix helpers shared by the eigen solvers: the row-wise mat-vec (the hot loop of
 * Lanczos), the Frobenius norm, and the input checks. Matrices are row-major Float64Array n×n.
 */

/** Throw a RangeError unless A is an n×n finite, exactly symmetric matrix. */
export function assertSymmetric(A: Float64Array, n: number, who: string): void {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`${who}: n must be a non-negative integer, got ${n}`);
  if (A.length < n * n) throw new RangeError(`${who}: matrix has ${A.length} entries, expected ${n * n}`);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const v = A[ri + j];
      if (!Number.isFinite(v)) throw new RangeError(`${who}: matrix has a non-finite entry at (${i}, ${j})`);
      if (v !== A[j * n + i]) throw new RangeError(`${who}: matrix is not symmetric at (${i}, ${j})`);
    }
  }
}

/**
 * y = A x for the n×n row-major A: four rows per pass, so each load of x serves four inner products
 * (the loop is bound by streaming A from memory; this layout measured 1.3–1.6× faster than one or
 * two rows per pass at n = 2000).
 */
export function matVec(A: Float64Array, n: number, x: Float64Array, y: Float64Array): void {
  matVecRows(A, n, x, y, 0, n);
}

/**
 * Rows r0..r1−1 of y = A x (r0 a multiple of 4). Self-contained (no imports, no closures): the
 * parallel mat-vec ships its source text to worker threads (parallel-matvec.ts).
 */
export function matVecRows(
  A: Float64Array,
  n: number,
  x: Float64Array,
  y: Float64Array,
  r0: number,
  r1: number,
): void {
  let i = r0;
  for (; i + 3 < r1; i += 4) {
    const q0 = i * n;
    const q1 = q0 + n;
    const q2 = q1 + n;
    const q3 = q2 + n;
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    for (let k = 0; k < n; k++) {
      const xk = x[k];
      a += A[q0 + k] * xk;
      b += A[q1 + k] * xk;
      c += A[q2 + k] * xk;
      d += A[q3 + k] * xk;
    }
    y[i] = a;
    y[i + 1] = b;
    y[i + 2] = c;
    y[i + 3] = d;
  }
  for (; i < r1; i++) {
    const q = i * n;
    let s = 0;
    for (let k = 0; k < n; k++) s += A[q + k] * x[k];
    y[i] = s;
  }
}

/** ‖A‖_F of the n×n matrix, rounded up by a relative γ_{n²}-sized margin. */
export function frobeniusNormUpper(A: Float64Array, n: number): number {
  let s = 0;
  for (let p = 0; p < n * n; p++) s += A[p] * A[p];
  return Math.sqrt(s * (1 + 2 * (n * n + 2) * 2 ** -53)) * (1 + 2 ** -51);
}

export function dot(x: Float64Array, y: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  const n = x.length;
  let k = 0;
  for (; k + 1 < n; k += 2) {
    s0 += x[k] * y[k];
    s1 += x[k + 1] * y[k + 1];
  }
  if (k < n) s0 += x[k] * y[k];
  return s0 + s1;
}

/**
 * The 4×2 register block of gramRows and choleskyInPlace (cholesky.ts): the eight inner products of
 * rows p, p + 1, p + 2, p + 3 against rows q, q + 1 of the row-major M (row length `stride`, rows
 * starting at offsets p0 = p·stride and q0 = q·stride) over columns k0..k1−1, each summed in order
 * of k, into out = [s00, s01, s10, s11, s20, s21, s30, s31]. (The blocked Cholesky's trailing update
 * keeps its own copy: its kernels are shipped to worker threads as source text and cannot import.)
 */
export function blockDots4x2(
  M: Float64Array,
  stride: number,
  p0: number,
  q0: number,
  k0: number,
  k1: number,
  out: Float64Array,
): void {
  const p1 = p0 + stride;
  const p2 = p1 + stride;
  const p3 = p2 + stride;
  const q1 = q0 + stride;
  let s00 = 0;
  let s01 = 0;
  let s10 = 0;
  let s11 = 0;
  let s20 = 0;
  let s21 = 0;
  let s30 = 0;
  let s31 = 0;
  for (let k = k0; k < k1; k++) {
    const y0 = M[q0 + k];
    const y1 = M[q1 + k];
    let x = M[p0 + k];
    s00 += x * y0;
    s01 += x * y1;
    x = M[p1 + k];
    s10 += x * y0;
    s11 += x * y1;
    x = M[p2 + k];
    s20 += x * y0;
    s21 += x * y1;
    x = M[p3 + k];
    s30 += x * y0;
    s31 += x * y1;
  }
  out[0] = s00;
  out[1] = s01;
  out[2] = s10;
  out[3] = s11;
  out[4] = s20;
  out[5] = s21;
  out[6] = s30;
  out[7] = s31;
}

/**
 * The Gram matrix G = X Xᵀ (n×n, symmetric, row-major) of the n rows of the row-major n×d matrix X,
 * with a 4×2 register block (eight row-pair inner products per pass over k), ~2.5× the speed of one
 * inner product at a time. Each G_ij is summed over k in order, so the bits do not depend on the
 * blocking; G_ji is copied from G_ij (exactly symmetric).
 */
export function gramRows(X: Float64Array, n: number, d: number, out?: Float64Array): Float64Array {
  const G = out ?? new Float64Array(n * n);
  const s = new Float64Array(8);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = i * d;
    let j = 0;
    for (; j + 1 <= i + 3; j += 2) {
      const q0 = j * d;
      blockDots4x2(X, d, r0, q0, 0, d, s);
      G[i * n + j] = s[0];
      G[i * n + j + 1] = s[1];
      G[(i + 1) * n + j] = s[2];
      G[(i + 1) * n + j + 1] = s[3];
      G[(i + 2) * n + j] = s[4];
      G[(i + 2) * n + j + 1] = s[5];
      G[(i + 3) * n + j] = s[6];
      G[(i + 3) * n + j + 1] = s[7];
    }
  }
  for (; i < n; i++) {
    const ri = i * d;
    for (let j = 0; j <= i; j++) {
      const rj = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += X[ri + k] * X[rj + k];
      G[i * n + j] = s;
    }
  }
  // Mirror the lower triangle (the blocks above also wrote a few entries above the diagonal, with
  // the same values as their mirrors since each inner product is summed in the same order).
  for (let r = 0; r < n; r++) for (let c = 0; c < r; c++) G[c * n + r] = G[r * n + c];
  return G;
}

/**
 * A power of two s such that s·A has its largest entry in [1, 2) when A's largest |entry| lies
 * outside [2⁻²⁰⁰, 2²⁰⁰] (else 1; also 1 for the zero matrix; at most 2¹⁰⁰⁰, so a denormal matrix
 * takes two rescalings). Scaling by s is exact (barring
 * underflow of tiny entries), and the eigenvalues of s·A are exactly s·λ(A); the solvers work on
 * s·A so that squares and products of entries neither underflow nor overflow.
 */
export function powerOfTwoScale(A: Float64Array, n: number): number {
  let m = 0;
  for (let p = 0; p < n * n; p++) {
    const v = Math.abs(A[p]);
    if (v > m) m = v;
  }
  if (m === 0 || (m >= 2 ** -200 && m <= 2 ** 200)) return 1;
  const k = Math.floor(Math.log2(m));
  // 2^−k would overflow for a denormal m: cap at 2^1000 (the callers rescale again, recursively).
  return k < -1000 ? 2 ** 1000 : 2 ** -k;
}

/** s·A (a new array). */
export function scaled(A: Float64Array, n: number, s: number): Float64Array {
  const B = new Float64Array(n * n);
  for (let p = 0; p < n * n; p++) B[p] = A[p] * s;
  return B;
}

/** A Float64Array of the given length on a SharedArrayBuffer (so worker threads can share it). */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * length));
}
