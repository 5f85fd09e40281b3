/** A random symmetric test matrix shared by the linalg tests. */
import { Rng } from '../../src/util/rng.ts';

/** n×n row-major symmetric matrix with standard normal entries, drawn row by row (lower triangle). */
export function randomSymmetric(n: number, rng: Rng | number): Float64Array {
  const r = typeof rng === 'number' ? new Rng(rng) : rng;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const v = r.normal();
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  return A;
}

/** Make B exactly symmetric in place: each off-diagonal pair becomes its mean. */
export function symmetrize(B: Float64Array, n: number): void {
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const m = (B[i * n + j] + B[j * n + i]) / 2;
      B[i * n + j] = m;
      B[j * n + i] = m;
    }
}
