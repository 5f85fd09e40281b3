/**
 * Roots of a real polynomial Σ a_j s^j (a[j] is the coefficient of s^j), as eigenvalues of its
 * companion matrix (ml-matrix's EigenvalueDecomposition); closed forms for degree ≤ 2 so that
 * double roots (critical damping) come out exact instead of to √ε.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

export interface Complex {
  re: number;
  im: number;
}

export function polyRoots(a: readonly number[]): Complex[] {
  let deg = a.length - 1;
  while (deg > 0 && a[deg] === 0) deg--;
  if (deg <= 0) return [];
  const lead = a[deg];
  if (deg === 1) return [{ re: -a[0] / lead, im: 0 }];
  if (deg === 2) {
    const b = a[1] / lead;
    const c = a[0] / lead;
    const disc = (b * b) / 4 - c;
    if (disc < 0)
      return [
        { re: -b / 2, im: Math.sqrt(-disc) },
        { re: -b / 2, im: -Math.sqrt(-disc) },
      ];
    // Avoid cancellation: the larger-magnitude root first, the other from the product c.
    const big = -b / 2 - Math.sign(b || 1) * Math.sqrt(disc);
    const small = big === 0 ? 0 : c / big;
    return [
      { re: big, im: 0 },
      { re: small, im: 0 },
    ];
  }
  // Companion matrix of the monic polynomial: last row −a_j/lead.
  const C = Matrix.zeros(deg, deg);
  for (let i = 0; i + 1 < deg; i++) C.set(i, i + 1, 1);
  for (let j = 0; j < deg; j++) C.set(deg - 1, j, -a[j] / lead);
  const ev = new EigenvalueDecomposition(C, { assumeSymmetric: false });
  return ev.realEigenvalues.map((re, i) => ({ re, im: ev.imaginaryEigenvalues[i] }));
}

/** Largest real part among the roots (−∞ for a constant polynomial). */
export function maxRealPart(roots: readonly Complex[]): number {
  let m = -Infinity;
  for (const r of roots) if (r.re > m) m = r.re;
  return m;
}
