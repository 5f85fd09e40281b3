import { describe, expect, it } from 'vitest';
import { choleskyBlocked } from '../../src/linalg/cholesky-blocked.ts';
import { sharedFloat64 } from '../../src/linalg/dense.ts';
import { choleskyInPlace } from '../../src/linalg/cholesky.ts';
import { Rng } from '../../src/util/rng.ts';

/** A symmetric positive definite n×n matrix: G Gᵀ/k + I with G n×k Gaussian. */
function spd(n: number, k: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const G = rng.fillNormal(new Float64Array(n * k));
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += G[i * k + t] * G[j * k + t];
      A[i * n + j] = s / k + (i === j ? 1 : 0);
      A[j * n + i] = A[i * n + j];
    }
  return A;
}

describe('blocked Cholesky on worker threads', () => {
  const n = 301;
  const A = spd(n, 40, 3);
  const run = (threads: number): Float64Array => {
    const a = sharedFloat64(n * n);
    a.set(A);
    expect(choleskyBlocked(a, n, 2 ** -960, threads)).toBe(-1);
    return a;
  };
  it('1, 2 and 3 threads give the same bits', () => {
    const one = run(1);
    for (const t of [2, 3]) {
      const other = run(t);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) expect(other[i * n + j]).toBe(one[i * n + j]);
    }
  });
  it('L Lᵀ reproduces A and agrees with the unblocked factor to rounding', () => {
    const L = run(2);
    const crout = Float64Array.from(A);
    expect(choleskyInPlace(crout, n)).toBe(-1); // n < 1200: the unblocked loop
    let worst = 0;
    let diff = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += L[i * n + k] * L[j * n + k];
        worst = Math.max(worst, Math.abs(s - A[i * n + j]));
        diff = Math.max(diff, Math.abs(L[i * n + j] - crout[i * n + j]));
      }
    expect(worst).toBeLessThan(1e-12);
    expect(diff).toBeLessThan(1e-12);
  });
  it('reports the first non-positive pivot (false twin: an indefinite matrix)', () => {
    const a = sharedFloat64(n * n);
    a.set(A);
    for (let i = 0; i < n; i++) a[i * n + i] -= 50; // far below λ_min
    const at = choleskyBlocked(a, n, 2 ** -960, 2);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(n);
  });
});
