/**
 * Floating-point error constants and outward rounding for the certified eigenvalue bounds
 * (src/linalg/enclosure.ts). IEEE double, round-to-nearest: unit roundoff u = 2⁻⁵³ and Higham's
 * γ_k = k·u / (1 − k·u), the bound on the relative error of a sum or inner product of k terms
 * evaluated in any order (Higham, Accuracy and Stability of Numerical Algorithms, §3.1).
 */

/** Unit roundoff of IEEE double precision (round to nearest). */
export const UNIT_ROUNDOFF = 2 ** -53;

/** γ_k = k·u/(1 − k·u), rounded up (Infinity when k·u ≥ 1/2, where the bound is void). */
export function gamma(k: number): number {
  const ku = k * UNIT_ROUNDOFF;
  if (!(ku < 0.5)) return Infinity;
  return roundUp(roundUp(ku) / roundDown(1 - ku));
}

/** A double ≥ x and at least one ulp above it (x itself when x is ±Infinity). */
export function roundUp(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return Number.MIN_VALUE;
  // |x|·2⁻⁵² ≥ ulp(x), and round-to-nearest is monotone, so fl(x + |x|·2⁻⁵²) ≥ x + ulp(x).
  return x + Math.abs(x) * 2 ** -52 + Number.MIN_VALUE;
}

/** A double ≤ x and at least one ulp below it. */
export function roundDown(x: number): number {
  return -roundUp(-x);
}
