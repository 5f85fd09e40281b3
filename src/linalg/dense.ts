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

/** y = A x for the n×n row-major A (two rows per pass so each load of x serves two rows). */
export function matVec(A: Float64Array, n: number, x: Float64Array, y: Float64Array): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r0 = i * n;
    const r1 = r0 + n;
    let a0 = 0;
    let a1 = 0;
    let b0 = 0;
    let b1 = 0;
    let k = 0;
    for (; k + 1 < n; k += 2) {
      const x0 = x[k];
      const x1 = x[k + 1];
      a0 += A[r0 + k] * x0;
      a1 += A[r0 + k + 1] * x1;
      b0 += A[r1 + k] * x0;
      b1 += A[r1 + k + 1] * x1;
    }
    if (k < n) {
      a0 += A[r0 + k] * x[k];
      b0 += A[r1 + k] * x[k];
    }
    y[i] = a0 + a1;
    y[i + 1] = b0 + b1;
  }
  if (i < n) {
    const r = i * n;
    let s = 0;
    for (let k = 0; k < n; k++) s += A[r + k] * x[k];
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
